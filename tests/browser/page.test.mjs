// Layer (d): the served page in Chromium. Types a program into the editor, runs it,
// checks the sizes table against numbers the program prints itself, and checks that the
// canvas drew the boxes (test hook) and is not blank (screenshot pixels).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { PNG } from "pngjs";
import { ARTIFACTS, openApp } from "./chromium.mjs";
import { CONTENT_SECURITY_POLICY } from "../../vite.config.js";

const CANVAS_BACKGROUND = [247, 248, 251];

let app, server, page, problems;
const timings = {};

before(async () => ({ server, page, problems } = app = await openApp()));

after(async () => {
  await app?.close();
  if (Object.keys(timings).length) {
    console.log(`timings: ${JSON.stringify(timings)}`);
    fs.writeFileSync(path.join(ARTIFACTS, "page-timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
  }
});

test("the server sends isolation and content-security headers and the right content types", async () => {
  const index = await fetch(server.url);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("cross-origin-opener-policy"), "same-origin");
  assert.equal(index.headers.get("cross-origin-embedder-policy"), "require-corp");
  // The whole suite runs under this policy: a violation is a console error, which fails it.
  const csp = index.headers.get("content-security-policy");
  assert.equal(csp, CONTENT_SECURITY_POLICY);
  assert.doesNotMatch(csp, /'unsafe-eval'/);
  assert.match(csp, /default-src 'none'/);
  const wasm = await fetch(new URL("wasm/bytewise-app.wasm", server.url));
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  const pyodideWasm = await fetch(new URL("pyodide/pyodide.asm.wasm", server.url));
  assert.equal(pyodideWasm.headers.get("content-type"), "application/wasm");
  const mjs = await fetch(new URL("pyodide/pyodide.mjs", server.url));
  assert.match(mjs.headers.get("content-type"), /^(text|application)\/javascript/);
  await Promise.all([wasm.body.cancel(), pyodideWasm.body.cancel(), mjs.body.cancel()]);
});

test("the page paints its editor before Python is ready, then loads Pyodide", async () => {
  const started = Date.now();
  await page.goto(server.url);
  await page.locator(".cm-editor").waitFor({ state: "visible" });
  timings.editorVisibleMs = Date.now() - started;
  const runDisabledEarly = await page.locator("#bw-run").isDisabled();
  assert.equal(runDisabledEarly, true, "Run waits for Python");
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  await page.evaluate(() => globalThis.bytewise.pythonReady);
  timings.pyodideReadyMs = Date.now() - started;
  await page.evaluate(() => globalThis.bytewise.canvasReady);
  assert.equal(await page.locator("#bw-run").isDisabled(), false);
  assert.match(await page.locator("#bw-status-text").textContent(), /^Python 3\.14\.\d+ ready$/);
});

const PROGRAM = [
  "import sys",
  "x = [1, 2, 3]",
  's = "hello"',
  "pair = [s, s]",
  "print(sys.getsizeof(x), sys.getsizeof(x) + 3 * sys.getsizeof(1))",
  "print(sys.getsizeof(pair), sys.getsizeof(pair) + sys.getsizeof(s))",
].join("\n");

test("typing a program (Backspace included) and running it fills the table", async () => {
  const editor = page.locator(".cm-content");
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  // Type with a typo fixed by Backspace: GLFW must not swallow the key.
  const lines = PROGRAM.split("\n");
  for (const [i, line] of lines.entries()) {
    if (i === 1) {
      await page.keyboard.type("x = [1, 2, 9");
      await page.keyboard.press("Backspace");
      await page.keyboard.type("3]");
    } else {
      await page.keyboard.type(line);
    }
    if (i < lines.length - 1) await page.keyboard.press("Enter");
  }
  const typed = await page.evaluate(() => globalThis.bytewise.code());
  assert.equal(typed, PROGRAM);

  const runStarted = Date.now();
  await page.click("#bw-run");
  await page.locator('#bw-sizes tbody tr[data-name="x"]').waitFor();
  timings.runToTableMs = Date.now() - runStarted;

  const printed = (await page.locator("#bw-output").textContent()).trim().split("\n");
  const [xShallow, xDeep] = printed[0].split(" ").map(Number);
  const [pairShallow, pairDeep] = printed[1].split(" ").map(Number);
  const cellOf = async (name, field) =>
    Number(
      (await page.locator(`#bw-sizes tbody tr[data-name="${name}"] td[data-field="${field}"]`).textContent()).replace(
        /,/g,
        "",
      ),
    );
  assert.equal(await cellOf("x", "shallow"), xShallow);
  assert.equal(xShallow, 44, "an empty-ish list of 3 on 32-bit CPython 3.14");
  assert.equal(await cellOf("x", "deep"), xDeep);
  assert.equal(await cellOf("x", "objects"), 4);
  assert.equal(await cellOf("pair", "shallow"), pairShallow);
  assert.equal(await cellOf("pair", "deep"), pairDeep);
  assert.equal(await cellOf("pair", "objects"), 2);
  // [1, 2, 3] in dlmalloc: the list object 28 -> 32 and its 4 slots 16 -> 24; the small
  // ints are static. On 64-bit 3.12 with pymalloc: 56 -> 64 and 32 -> 32.
  assert.equal(await cellOf("x", "allocated"), 56);
  const allocatedTitle = await page
    .locator('#bw-sizes tbody tr[data-name="x"] td[data-field="allocated"]')
    .getAttribute("title");
  assert.match(allocatedTitle, /x itself: object 28 → 32, item array 16 → 24 \(dlmalloc \(Emscripten\)\)/);
  assert.match(allocatedTitle, /on cpython-3\.12-64 \(pymalloc \+ glibc malloc\): 96/);
  const names = await page.locator("#bw-sizes tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.name));
  assert.deepEqual(names, ["x", "s", "pair"]);
  assert.match(
    await page.locator("#bw-platform").textContent(),
    /CPython 3\.14\.\d+, 32-bit wasm \(Pyodide 314\.0\.7\)/,
  );
  assert.equal(await page.locator("#bw-trace").isVisible(), false, "no tracemalloc section unless asked");
});

test("the table and the canvas show predicted sizes for another platform, and switch without a rerun", async () => {
  const predicted = async (name, field) =>
    (
      await page.locator(`#bw-sizes tbody tr[data-name="${name}"] td[data-field="predicted-${field}"]`).textContent()
    ).trim();
  assert.equal(await page.locator("#bw-compare").inputValue(), "cpython-3.12-64");
  assert.equal(await predicted("s", "shallow"), "46", "'hello' on 64-bit 3.12: 41 + 5");
  assert.equal(await predicted("x", "deep"), "172", "88 + three 28-byte ints");
  const boxes = await page.evaluate(() => globalThis.bytewise.drawnBoxes());
  assert.equal(boxes.find((b) => b.title === "str 'hello'").compared, "46 B on 64-bit 3.12");
  const output = await page.locator("#bw-output").textContent();
  await page.selectOption("#bw-compare", "cpython-3.8-64");
  await page.waitForFunction(
    () =>
      document.querySelector('#bw-sizes tbody tr[data-name="s"] td[data-field="predicted-shallow"]').textContent ===
      "54",
  );
  assert.match(
    await page.locator("#bw-sizes thead th[data-compare=shallow]").textContent(),
    /on\u00a064\u2011bit 3\.8/,
  );
  assert.match(
    await page.locator("#bw-sizes thead th[data-compare=shallow]").getAttribute("title"),
    /64-bit CPython 3\.8/,
  );
  assert.equal(await page.locator("#bw-output").textContent(), output, "the program did not run again");
  const after = await page.evaluate(() => globalThis.bytewise.drawnBoxes());
  await page.waitForFunction(() => globalThis.bytewise.drawnBoxes().some((b) => b.compared === "54 B on 64-bit 3.8"));
  assert.ok(after.length > 0);
  await page.selectOption("#bw-compare", "cpython-3.12-64");
  await page.waitForFunction(
    () =>
      document.querySelector('#bw-sizes tbody tr[data-name="s"] td[data-field="predicted-shallow"]').textContent ===
      "46",
  );
});

test("the canvas draws a box per object with its bytes, matching the report", async () => {
  await page.waitForFunction(() => globalThis.bytewise.drawnBoxes().length > 0);
  const boxes = await page.evaluate(() => globalThis.bytewise.drawnBoxes());
  const report = await page.evaluate(() => globalThis.bytewise.lastReport());
  for (const r of report.roots) {
    assert.ok(
      boxes.some((b) => b.kind === "variable" && b.title === r.name),
      `variable box ${r.name}`,
    );
  }
  const list = boxes.find((b) => b.kind === "object" && b.title === "list" && b.subtitle === "3 items");
  assert.ok(list, "a box for x");
  const x = report.roots.find((r) => r.name === "x");
  assert.equal(list.number, `${x.shallow} B shallow`);
  assert.equal(list.rows, 3, "a row per slot");
  assert.equal(boxes.find((b) => b.kind === "variable" && b.title === "x").number, `${x.deep} B deep`);
  assert.ok(
    boxes.some((b) => b.title === "str 'hello'"),
    "a box for the shared string",
  );
  assert.equal(boxes.filter((b) => b.title === "str 'hello'").length, 1, "the shared string drawn once");
  const canvasBox = await page.locator("#bw-canvas").boundingBox();
  for (const b of boxes) {
    assert.ok(
      b.x >= 0 && b.y >= 0 && b.x + b.w <= canvasBox.width + 1 && b.y + b.h <= canvasBox.height + 1,
      `box "${b.title}" lies inside the canvas after fitting`,
    );
  }
});

test("the canvas screenshot is not blank", async () => {
  const file = path.join(ARTIFACTS, "canvas.png");
  await page.locator("#bw-canvas").screenshot({ path: file });
  await page.screenshot({ path: path.join(ARTIFACTS, "page.png") });
  const png = PNG.sync.read(fs.readFileSync(file));
  let differing = 0;
  const colours = new Set();
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    const d =
      Math.abs(r - CANVAS_BACKGROUND[0]) + Math.abs(g - CANVAS_BACKGROUND[1]) + Math.abs(b - CANVAS_BACKGROUND[2]);
    if (d > 24) differing += 1;
  }
  const fraction = differing / (png.width * png.height);
  assert.ok(fraction > 0.02, `only ${(fraction * 100).toFixed(2)}% of canvas pixels differ from the background`);
  assert.ok(colours.size > 20, `only ${colours.size} distinct colours: nothing was drawn`);
});

test("memory by line shows tracemalloc's top lines of the user's program", async () => {
  await page.evaluate(() => globalThis.bytewise.setCode("numbers = [float(i) for i in range(2000)]\nlabel = 'done'\n"));
  await page.check("#bw-tracemalloc");
  await page.click("#bw-run");
  await page.locator("#bw-trace:not([hidden])").waitFor();
  const first = page.locator("#bw-trace-lines tbody tr").first();
  assert.equal(await first.locator("td").nth(0).textContent(), "1");
  assert.match(await first.locator("td").nth(1).textContent(), /float\(i\)/);
  assert.ok(Number((await first.locator("td").nth(2).textContent()).replace(/,/g, "")) >= 2000 * 16);
  await page.uncheck("#bw-tracemalloc");
});

test("the worker answers the small-int explorer's request, and refuses a bad one", async () => {
  const data = await page.evaluate(() => globalThis.bytewise.smallInts({ low: -10, high: 300 }));
  assert.deepEqual(data.cached_range, [-5, 256]);
  assert.equal(data.values.filter((v) => v.cached).length, 262);
  const refused = await page.evaluate(() =>
    globalThis.bytewise.smallInts({ low: 3, high: 1 }).then(
      () => "",
      (e) => e.message,
    ),
  );
  assert.match(refused, /low and high must be whole numbers/);
});

test("Ctrl+Enter runs again and the page shows no errors", async () => {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("big = [0.5] * 1000");
  await page.keyboard.press("Control+Enter");
  await page.locator('#bw-sizes tbody tr[data-name="big"]').waitFor();
  const bigShallow = await page.locator('#bw-sizes tbody tr[data-name="big"] td[data-field="shallow"]').textContent();
  // [x] * n allocates exactly n slots: 28 bytes (GC header included) + 4 per pointer.
  assert.equal(bigShallow, "4,028");
  assert.deepEqual(problems, []);
});

test("the heap walker captures in the worker, and sizes a cap cut are marked ≥ in the table and the canvas", async () => {
  const before = await page.evaluate(() => globalThis.bytewise.reportsShown());
  // 250,001 objects, past an object cap of 200,000 (the default, 12,000,000, would need a
  // program too big for a test).
  await page.evaluate(() => {
    globalThis.bytewise.setCaptureCaps({ objectCap: 200_000 });
    globalThis.bytewise.setCode("small = [1.5, 2.5]\nfloats = [i / 7 for i in range(250_000)]");
  });
  await page.click("#bw-run");
  await page.waitForFunction((b) => globalThis.bytewise.reportsShown() !== b, before, { timeout: 60_000 });
  const report = await page.evaluate(() => globalThis.bytewise.lastReport());
  assert.deepEqual(report.capture, { method: "native", reason: null });
  assert.equal(report.truncated, true);
  const cellOf = (name, field) =>
    page.locator(`#bw-sizes tbody tr[data-name="${name}"] td[data-field="${field}"]`).textContent();
  const floats = report.roots.find((r) => r.name === "floats");
  assert.equal(floats.lower_bound, true);
  assert.equal(await cellOf("floats", "deep"), `≥ ${floats.deep.toLocaleString("en")}`);
  assert.match(
    await page.locator('#bw-sizes tbody tr[data-name="floats"] td[data-field="deep"]').getAttribute("title"),
    /at least this: the capture stopped at 200,000 objects/,
  );
  assert.equal(await cellOf("floats", "shallow"), floats.shallow.toLocaleString("en"), "shallow stays exact");
  // The first variable was reached whole: exact.
  const small = report.roots.find((r) => r.name === "small");
  assert.equal(small.lower_bound, false);
  assert.equal(await cellOf("small", "deep"), small.deep.toLocaleString("en"));
  await page.waitForFunction(() => globalThis.bytewise.drawnBoxes().some((b) => b.title === "floats"));
  const boxes = await page.evaluate(() => globalThis.bytewise.drawnBoxes());
  assert.match(boxes.find((b) => b.kind === "variable" && b.title === "floats").number, /^≥ .* deep$/);
  assert.doesNotMatch(boxes.find((b) => b.kind === "variable" && b.title === "small").number, /≥/);
  // With the default caps the same program is captured whole: exact numbers, no mark.
  await page.evaluate(() => globalThis.bytewise.setCaptureCaps({}));
  const shown = await page.evaluate(() => globalThis.bytewise.reportsShown());
  await page.click("#bw-run");
  await page.waitForFunction((b) => globalThis.bytewise.reportsShown() !== b, shown, { timeout: 60_000 });
  const whole = await page.evaluate(() => globalThis.bytewise.lastReport());
  assert.equal(whole.truncated, false);
  assert.equal(whole.objects, 250_004); // two lists, two floats in small, 250,000 in floats
  const wholeFloats = whole.roots.find((r) => r.name === "floats");
  assert.equal(wholeFloats.lower_bound, false);
  assert.equal(await cellOf("floats", "deep"), wholeFloats.deep.toLocaleString("en"));
  assert.deepEqual(problems, []);
});
