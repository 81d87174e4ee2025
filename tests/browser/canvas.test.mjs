// The canvas in Chromium: the seed-style programs draw with the report's byte counts (read
// through the page's test hook), every interaction works (hover, click and X-ray, keys,
// wheel and drag, expanding, windows, PNG export, presenter mode), events queued during a
// frame are applied after it, the X-ray draws its hex rows clipped in its dock tab and names
// the field under the mouse, the editor keeps its keys, and it stays crisp at a device pixel
// ratio of 2. Screenshots go to test-artifacts/canvas-*.png: look at them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { PNG } from "pngjs";
import { ARTIFACTS, openApp } from "./chromium.mjs";

let app, server, browser, page, problems;

before(async () => ({ server, browser, page, problems } = app = await openApp({ ready: "canvas" })));

after(() => app?.close());

const boxes = () => page.evaluate(() => globalThis.bytewise.drawnBoxes());
const stats = () => page.evaluate(() => globalThis.bytewise.canvasStats());
const action = (name, arg = null) => page.evaluate(([n, a]) => globalThis.bytewise.canvasAction(n, a), [name, arg]);

/** Runs `code` in the page and waits until the table and the canvas show it. */
async function run(code) {
  const shown = await page.evaluate(() => globalThis.bytewise.reportsShown());
  await page.evaluate((text) => globalThis.bytewise.setCode(text), code);
  await page.click("#bw-run");
  await page.waitForFunction((n) => globalThis.bytewise.reportsShown() > n, shown);
  const report = await page.evaluate(() => globalThis.bytewise.lastReport());
  assert.equal(report.error, null, report.error?.traceback);
  await action("fit", "all"); // the whole diagram in view (the 0 key): every box is drawn
  await settle();
  return report;
}

/** Asks the canvas for a fresh frame and waits until two more were rendered. */
async function settle() {
  const frames = await stats().then((s) => s.framesRendered);
  await action("redraw");
  await page.waitForFunction((n) => globalThis.bytewise.canvasStats().framesRendered >= n + 2, frames);
}

async function shot(name) {
  const file = path.join(ARTIFACTS, `canvas-${name}.png`);
  await page.locator("#bw-canvas").screenshot({ path: file });
  return PNG.sync.read(fs.readFileSync(file));
}

/** Screen point (page coordinates) of the centre of a drawn box. */
async function centre(box) {
  const canvas = await page.locator("#bw-canvas").boundingBox();
  return { x: canvas.x + box.x + box.w / 2, y: canvas.y + box.y + Math.min(box.h / 2, 12) };
}

function root(report, name) {
  return report.roots.find((r) => r.name === name);
}

/** Waits until the X-ray of the box titled `title` has finished (or failed). */
const xrayDone = (title) =>
  page.waitForFunction((t) => {
    const x = globalThis.bytewise.canvasStats().xray;
    return x.title === t && ["done", "failed"].includes(x.status);
  }, title);

// First, while nothing has run yet.
test("a PNG asked for before the first run is not made later, unasked", async () => {
  await page.evaluate(() => globalThis.bytewise.exportPng());
  await settle();
  await run("x = [1, 2]\n");
  await settle();
  await settle();
  assert.equal(await page.evaluate(() => globalThis.bytewise.pngsMade()), 0);
  assert.equal(await page.evaluate(() => globalThis.bytewise.lastPng()), null);
});

test("a cache of 100 objects holding big strings: a small list, a big deep size", async () => {
  const report = await run(
    [
      "class Item:",
      "    def __init__(self, data):",
      "        self.data = data",
      'cache = [Item("x" * 100_000 + str(i)) for i in range(100)]',
    ].join("\n"),
  );
  const drawn = await boxes();
  const cache = root(report, "cache");
  const list = drawn.find((b) => b.kind === "object" && b.title === "list");
  assert.equal(list.number, `${cache.shallow} B shallow`);
  assert.ok(cache.shallow < 1000, "getsizeof of the list is under 1 KB");
  const variable = drawn.find((b) => b.kind === "variable" && b.title === "cache");
  assert.match(variable.number, /^10\.\d MB deep$/, "the variable holds about 10 MB");
  assert.ok(cache.deep > 10_000_000);
  const many = drawn.find((b) => b.kind === "aggregate");
  assert.equal(many.title, "90 \u00d7 Item");
  assert.equal(list.rows, 11, "10 rows and \u2026 90 more");
  await shot("cache");
});

test("[10**100] * 3 against [1, 2, 3]: one big int three times, three cached small ones", async () => {
  const report = await run("big = [10**100] * 3\nsmall = [1, 2, 3]\n");
  const drawn = await boxes();
  const bigInt = drawn.filter((b) => b.title === "int \u22481e+100");
  assert.equal(bigInt.length, 1, "one int object for the three slots");
  assert.equal(bigInt[0].shared, true);
  const small = drawn.filter((b) => /^int [123]$/.test(b.title));
  assert.equal(small.length, 3);
  assert.ok(
    small.every((b) => b.interpreter),
    "small ints are the interpreter's",
  );
  const lists = drawn.filter((b) => b.kind === "object" && b.title === "list");
  assert.deepEqual(
    lists.map((b) => b.number).sort(),
    [root(report, "big"), root(report, "small")].map((r) => `${r.shallow} B shallow`).sort(),
  );
  assert.ok((await stats()).arrows >= 2 + 3 + 3, "a variable arrow each and an arrow per slot");
  await shot("ints");
});

test("a string shared by two dicts is one box, counted once", async () => {
  const report = await run('s = "memory " * 20\nd1 = {"text": s}\nd2 = {"text": s}\n');
  const drawn = await boxes();
  const text = drawn.filter((b) => b.title.startsWith("str 'memory"));
  assert.equal(text.length, 1);
  assert.equal(text[0].shared, true);
  assert.equal(text[0].number, `${root(report, "s").shallow} B shallow`);
  const d1 = drawn.find((b) => b.kind === "variable" && b.title === "d1");
  assert.equal(d1.number, `${root(report, "d1").deep.toLocaleString("en")} B deep`);
  await shot("shared");
});

test("a cycle is drawn with an arrow back and marked", async () => {
  await run("a = []\na.append(a)\nb = {'me': None}\nb['me'] = b\n");
  const drawn = await boxes();
  const cyclic = drawn.filter((b) => b.cycle);
  assert.equal(cyclic.length, 2);
  await shot("cycle");
});

test("a = 256; b = 256 share one object, 257 made twice does not", async () => {
  await run('a = 256\nb = 256\nc = int("257")\nd = int("257")\n');
  const drawn = await boxes();
  assert.equal(drawn.filter((b) => b.title === "int 256").length, 1);
  assert.equal(drawn.filter((b) => b.title === "int 257").length, 2);
  await shot("small-int-cache");
});

test("the number on every box follows the measure switch", async () => {
  const report = await run("x = [1.5, 2.5]\nname = 'Ada'\n");
  const x = root(report, "x");
  const byMeasure = {};
  for (const [i, m] of ["shallow", "deep", "retained", "allocated", "compared"].entries()) {
    await action("measure", i);
    await settle();
    assert.equal((await stats()).measure, m);
    byMeasure[m] = (await boxes()).find((b) => b.kind === "object" && b.title === "list").number;
  }
  assert.equal(byMeasure.shallow, `${x.shallow} B shallow`);
  assert.equal(byMeasure.deep, `${x.deep} B deep`);
  assert.equal(byMeasure.retained, `${x.retained} B retained`);
  assert.equal(byMeasure.allocated, `${x.allocated.shallow} B allocated`);
  assert.equal(byMeasure.compared, `${x.predicted.shallow} B on 64-bit 3.12`);
  await action("measure", 0);
});

test("hovering a box lights it; clicking opens its X-ray with decoded bytes", async () => {
  await run("x = [1.5, 'two', None]\n");
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  const at = await centre(list);
  await page.mouse.move(at.x, at.y);
  await settle();
  assert.notEqual((await stats()).hovered, null);
  await page.mouse.move(at.x, at.y);
  await shot("hover");
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().xrayBlocks >= 2);
  const s = await stats();
  assert.equal(s.xrayOpen, true);
  assert.notEqual(s.selected, null);
  assert.equal(s.xrayError, "");
  await settle();
  await shot("xray");
  await page.keyboard.press("Escape");
  await settle();
  assert.equal((await stats()).xrayOpen, false);
});

test("the keyboard moves between boxes; wheel zooms; drag pans; Fit brings it back", async () => {
  await run("a = [1, 2]\nb = {'k': a}\n");
  await page.locator("#bw-canvas").focus();
  await page.keyboard.press("Tab");
  await settle();
  const first = (await stats()).selected;
  assert.notEqual(first, null);
  await page.keyboard.press("Tab");
  await settle();
  assert.notEqual((await stats()).selected, first);
  await page.keyboard.press("Escape");
  const canvas = await page.locator("#bw-canvas").boundingBox();
  const zoom = (await stats()).zoom;
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  await page.mouse.wheel(0, -300);
  await settle();
  assert.ok((await stats()).zoom > zoom, "the wheel zooms in");
  const before = (await boxes())[0];
  // From the diagram's bottom left corner, where no box is.
  const region = (await stats()).regions.diagram;
  const start = { x: canvas.x + region.x + 8, y: canvas.y + region.y + region.h - 30 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 100, start.y + 20, { steps: 5 });
  await page.mouse.up();
  await settle();
  const moved = (await boxes())[0];
  assert.ok(Math.abs(moved.x - before.x - 100) < 3, `dragging pans by 100 px (${before.x} -> ${moved.x})`);
  await action("fit");
  await settle();
  for (const b of await boxes())
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= canvas.width + 1 && b.y + b.h <= canvas.height + 1);
});

test("a long list shows ten rows and a row that expands into all of them", async () => {
  await run("xs = [float(i) for i in range(50)]\n");
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  assert.equal(list.rows, 11);
  const aggregate = (await boxes()).find((b) => b.kind === "aggregate");
  assert.equal(aggregate.title, "40 \u00d7 float");
  const at = await centre(aggregate);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => globalThis.bytewise.drawnBoxes().some((b) => b.title === "list" && b.rows === 50));
  await action("zoom", 0.05); // Fit keeps text readable; this far out all fifty are in view
  await settle();
  assert.equal((await boxes()).filter((b) => b.title.startsWith("float")).length, 50);
  assert.equal((await boxes()).filter((b) => b.kind === "aggregate").length, 0);
});

test("the X-ray panel draws only the hex rows in view and names the field under the mouse", async () => {
  await run("big = list(range(2000))\n");
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  await action("select", list.index);
  await xrayDone("list");
  await settle();
  const x = (await stats()).xray;
  assert.equal(x.status, "done");
  // 16 bytes a row where the dock's tab is wide enough, else 8.
  const columns = x.columns;
  assert.ok(columns === 16 || columns === 8, `${columns} bytes a row`);
  // The list object's 36 bytes and 4,096 bytes of its 8,000-byte item array.
  assert.equal(x.rows, Math.ceil(36 / columns) + 4096 / columns);
  assert.ok(x.rowsDrawn > 3 && x.rowsDrawn < 80, `the clipper drew ${x.rowsDrawn} of ${x.rows} rows`);
  // Row one of the object's block: the chunk's size word, the GC header, the refcount.
  const row = x.firstRows.find((r) => r.block === 0);
  assert.equal(row.byteX.length, columns);
  const canvas = await page.locator("#bw-canvas").boundingBox();
  for (const [byte, field] of [
    [0, "chunk size word"],
    [5, "_gc_next"],
    [9, "_gc_prev"],
    [13, "ob_refcnt"],
  ].filter(([byte]) => byte < columns)) {
    await page.mouse.move(canvas.x + row.byteX[byte], canvas.y + row.y);
    await settle();
    assert.equal((await stats()).xray.hovered?.name, field, `byte ${byte}`);
  }
  await shot("xray-hex");
  const fields = await page.evaluate(() => globalThis.bytewise.xrayFields());
  assert.equal(fields.filter((f) => /^ob_item\[/.test(f.name)).length, 1023, "the slots inside the shown block");
  await action("closeWindows");
});

test("the X-ray writes bytes that are not UTF-8 as escapes", async () => {
  await run("b = bytes([0xff, 0xfe, 0x41, 0x80])\ns = '\\u65e5' * 200\n");
  for (const [title, field, want] of [
    [/^bytes/, "ob_sval", "b'\\xff\\xfeA\\x80'"],
    [/^str/, "data", `'${"\u65e5".repeat(120)}'...`],
  ]) {
    await action("fit", "all"); // the dock the last X-ray opened took part of the view
    await settle();
    const box = (await boxes()).find((b) => b.kind === "object" && title.test(b.title));
    await action("select", box.index);
    await xrayDone(box.title);
    const fields = await page.evaluate(() => globalThis.bytewise.xrayFields());
    assert.equal(fields.find((f) => f.name === field).value, want);
  }
  await settle();
  await shot("xray-bytes");
  await action("closeWindows");
});

test("Enter folds an expanded list while the mouse rests on a box past the folded list's end", async () => {
  await run("xs = [float(i) for i in range(1500)]\n");
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  await page.locator("#bw-canvas").focus();
  await action("select", list.index);
  await settle();
  await action("closeWindows"); // the X-ray window would cover the floats
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().boxes > 500);
  assert.equal((await stats()).selected, list.index, "the selection follows its list");
  await action("zoom", 0.2);
  await settle();
  const canvas = await page.locator("#bw-canvas").boundingBox();
  const later = (await boxes()).find(
    (b) => b.index >= 20 && b.title.startsWith("float") && b.y > 40 && b.y + b.h < canvas.height - 40,
  );
  assert.ok(later, "a float box far down the expanded list is in view");
  await page.mouse.move(canvas.x + later.x + later.w / 2, canvas.y + later.y + later.h / 2);
  await settle();
  assert.equal((await stats()).hovered, later.index);
  // The fold happens after the frame that saw the key: the frame's tooltip still reads the
  // layout it hit-tested, and the next frame hit-tests the folded one. Every frame's end
  // state is sampled (one animation frame each), so a frame that hovered a box index past
  // the folded list's end would be seen.
  await page.evaluate(() => {
    const watch = { on: true, bad: [] };
    const sample = () => {
      const { hovered, boxes } = globalThis.bytewise.canvasStats();
      if (hovered !== null && hovered >= boxes) watch.bad.push([hovered, boxes]);
      if (watch.on) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
    globalThis.hoverWatch = watch;
  });
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().boxes < 100);
  await settle();
  const bad = await page.evaluate(() => {
    globalThis.hoverWatch.on = false;
    return globalThis.hoverWatch.bad;
  });
  assert.deepEqual(bad, [], "frames that hovered [box, of boxes] past the end of the box list");
  const s = await stats();
  assert.ok(s.hovered === null || s.hovered < s.boxes, `hovered ${s.hovered} of ${s.boxes} boxes`);
  assert.equal(s.selected, list.index);
  assert.deepEqual(problems, []);
  await shot("folded");
});

test("an X-ray of a run whose Python has been replaced since says so", async () => {
  await run("x = [1, 2, 3]\n");
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  const restarts = await page.evaluate(() => globalThis.bytewise.sandbox().restarts);
  await page.evaluate(() => globalThis.bytewise.setCode("import time\ntime.sleep(30)\n"));
  await page.click("#bw-run");
  await page.waitForFunction(() => globalThis.bytewise.running());
  await page.waitForTimeout(300);
  await page.click("#bw-stop");
  await page.waitForFunction(
    (n) => globalThis.bytewise.sandbox().restarts > n && globalThis.bytewise.sandbox().ready,
    restarts,
    { timeout: 30_000 },
  );
  await action("select", list.index); // the diagram of the earlier run is still shown
  await xrayDone("list");
  const s = await stats();
  assert.equal(s.xray.status, "failed");
  assert.match(s.xrayError, /Python restarted since this run/);
  await action("closeWindows");
});

/** The open tool is docked beside or below the diagram, and its tab fits the dock's width. */
async function docked(name) {
  const s = await stats();
  assert.equal(s.windows[name], true, name);
  const r = s.regions;
  assert.notEqual(r.dock, null, `${name} is docked`);
  assert.ok(r.dockRight ? r.dock.x >= r.diagram.x + r.diagram.w : r.dock.y >= r.strip.y + r.strip.h, "beside or below");
  assert.equal(r.dockOverflowX, 0, `${name}'s tab is ${r.dockOverflowX} px wider than the dock`);
}

test("the tools dock as tabs: footprints over N, list growth, small ints; the sizes table is the page's", async () => {
  await run("nums = list(range(1000))\ngen = (i for i in range(1000))\n");
  const asked = (await page.evaluate(() => globalThis.bytewise.layout())).sizesAsked;
  await action("window", "sizes");
  await settle();
  assert.equal((await page.evaluate(() => globalThis.bytewise.layout())).sizesAsked, asked + 1);
  await action("window", "growth");
  await settle();
  await docked("growth");
  await shot("growth");
  await action("closeWindows");
  await action("window", "smallInts");
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().smallIntsLoaded, null, { timeout: 30_000 });
  await settle();
  await settle();
  await docked("smallInts");
  await shot("small-ints");
  await action("closeWindows");
  await action("window", "footprints");
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().footprintsLoaded, null, { timeout: 120_000 });
  await settle();
  await settle();
  await docked("footprints");
  const png = await shot("footprints");
  assert.ok(png.width > 100);
  await action("closeWindows");
  await settle();
});

test("PNG export holds the whole diagram", async () => {
  await run("x = [1, 2, 3]\ny = {'a': x}\n");
  await page.evaluate(() => globalThis.bytewise.exportPng());
  await page.waitForFunction(() => globalThis.bytewise.lastPng() !== null);
  const url = await page.evaluate(() => globalThis.bytewise.lastPng());
  assert.match(url, /^data:image\/png;base64,/);
  const png = PNG.sync.read(Buffer.from(url.split(",")[1], "base64"));
  fs.writeFileSync(path.join(ARTIFACTS, "canvas-export.png"), PNG.sync.write(png));
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) ink += png.data[i] < 200 ? 1 : 0;
  assert.ok(ink > 500, "the export has drawing in it");
});

test("presenter mode: larger type and high contrast, by button and by Alt+P", async () => {
  await run("x = [1, 2, 3]\ns = 'hello'\n");
  const normal = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  await page.click("#bw-presenter");
  await settle();
  await settle();
  assert.equal((await stats()).presenter, true);
  assert.equal(await page.evaluate(() => document.body.classList.contains("bw-presenter")), true);
  await shot("presenter");
  await page.screenshot({ path: path.join(ARTIFACTS, "page-presenter.png") });
  await page.keyboard.press("Alt+KeyP");
  await settle();
  assert.equal((await stats()).presenter, false);
  assert.ok(normal.w > 0);
});

test("the editor keeps Backspace, Tab and arrows after the canvas had focus", async () => {
  await page.locator("#bw-canvas").click();
  await page.evaluate(() => globalThis.bytewise.setCode(""));
  await page.locator(".cm-content").click();
  await page.keyboard.type("ab");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.type("x");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await page.keyboard.type("y");
  const code = await page.evaluate(() => globalThis.bytewise.code());
  assert.equal(code.split("\n")[0], "xa", JSON.stringify(code));
  assert.match(code.split("\n")[1], /^\s+y$/, "Tab indented the line");
});

test("the canvas resizes with the window and renders at the device pixel ratio", async () => {
  await page.setViewportSize({ width: 1000, height: 800 });
  await settle();
  await settle();
  const canvas = await page.locator("#bw-canvas").boundingBox();
  let s = await stats();
  assert.equal(s.framebufferWidth, Math.round(canvas.width));
  await page.setViewportSize({ width: 1400, height: 900 });
  const hidpi = await browser.newPage({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2 });
  await hidpi.goto(server.url);
  await hidpi.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  await hidpi.evaluate(() => globalThis.bytewise.setCode("x = [1, 2, 3]\n"));
  await hidpi.click("#bw-run");
  await hidpi.waitForFunction(() => globalThis.bytewise.drawnBoxes().length > 0);
  const box = await hidpi.locator("#bw-canvas").boundingBox();
  s = await hidpi.evaluate(() => globalThis.bytewise.canvasStats());
  assert.equal(s.devicePixelRatio, 2);
  assert.equal(s.framebufferWidth, Math.round(box.width * 2));
  await hidpi.locator("#bw-canvas").screenshot({ path: path.join(ARTIFACTS, "canvas-hidpi.png") });
  await hidpi.close();
});

test("nothing went wrong on the page", () => {
  assert.deepEqual(problems, []);
});
