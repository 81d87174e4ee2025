// The page at the sizes a classroom meets (phones both ways with touch, projectors, laptops,
// a 1920 x 1080 projector in presenter mode; the embed is in lessons.test.mjs): nothing scrolls sideways,
// no numbers table is clipped, the canvas's regions (toolbar, diagram, the strip under it,
// the dock of tools) never overlap and the dock's tab never needs scrolling sideways; box
// text is read from what the canvas drew (test hook) and measured on the screenshot;
// nothing moves after the first run. Screenshots: test-artifacts/layout-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { PNG } from "pngjs";
import { ARTIFACTS, collectProblems, openApp } from "./chromium.mjs";

let app, server, browser, page, problems;

before(async () => ({ server, browser, page, problems } = app = await openApp()));

after(() => app?.close());

const stats = (p = page) => p.evaluate(() => globalThis.bytewise.canvasStats());
const boxes = (p = page) => p.evaluate(() => globalThis.bytewise.drawnBoxes());
const action = (name, arg = null, p = page) =>
  p.evaluate(([n, a]) => globalThis.bytewise.canvasAction(n, a), [name, arg]);

/** Waits until the canvas rendered two more frames (after asking it for one). */
async function settle(p = page) {
  const frames = (await stats(p)).framesRendered;
  await action("redraw", null, p);
  await p.waitForFunction((n) => globalThis.bytewise.canvasStats().framesRendered >= n + 2, frames);
}

/** Runs `code` and waits until the table and the canvas show its report. */
async function run(code, p = page) {
  const shown = await p.evaluate(() => globalThis.bytewise.reportsShown());
  await p.evaluate((text) => globalThis.bytewise.setCode(text), code);
  await p.click("#bw-run");
  await p.waitForFunction((n) => globalThis.bytewise.reportsShown() > n, shown);
  await settle(p);
}

// Five variables, a class, a list of a hundred instances: the table has every column.
const CACHE = [
  "class CachedItem:",
  "    def __init__(self, key, payload):",
  "        self.key = key",
  "        self.payload = payload",
  "",
  'cache = [CachedItem(i, "x" * 1000) for i in range(100)]',
  "numbers = [1, 2, 3]",
  'word = "memory"',
  "words = [word] * 3",
].join("\n");

// Under twenty boxes.
const SMALL = "x = [1, 2, 3]\ns = 'hello'\npair = [s, s]\nd = {'k': x}\n";

/**
 * What scrolls sideways: the page, and every ancestor of the numbers tables and the canvas
 * (scrollWidth against clientWidth), and any cell of a numbers table cut off.
 */
function sidewaysProblems(p) {
  return p.evaluate(() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`the page: ${root.scrollWidth} > ${root.clientWidth}`);
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")}`;
    const watched = [...document.querySelectorAll("table.bw-sizes, #bw-canvas")].filter((el) => el.offsetParent);
    for (const start of watched) {
      for (let el = start; el; el = el.parentElement) {
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`);
      }
      const box = start.getBoundingClientRect();
      if (box.left < -0.5 || box.right > root.clientWidth + 0.5)
        problems.push(`${name(start)} spans ${box.left}..${box.right} of ${root.clientWidth}`);
    }
    for (const td of document.querySelectorAll("table.bw-sizes td, table.bw-sizes th")) {
      if (!td.offsetParent) continue;
      if (td.scrollWidth > td.clientWidth + 1)
        problems.push(`cell "${td.textContent}": ${td.scrollWidth} > ${td.clientWidth}`);
      const cell = td.getBoundingClientRect();
      const table = td.closest("table").parentElement.getBoundingClientRect();
      if (cell.right > table.right + 1)
        problems.push(`cell "${td.textContent}" ends at ${cell.right} > ${table.right}`);
    }
    return problems;
  });
}

function inside(inner, outer) {
  return (
    inner.x >= outer.x - 0.5 &&
    inner.y >= outer.y - 0.5 &&
    inner.x + inner.w <= outer.x + outer.w + 0.5 &&
    inner.y + inner.h <= outer.y + outer.h + 0.5
  );
}

function overlap(a, b) {
  return a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
}

/** The canvas's regions tile it: none overlaps another, all lie inside the canvas. */
async function checkRegions(p, label) {
  const s = await stats(p);
  const r = s.regions;
  const canvas = await p.locator("#bw-canvas").boundingBox();
  const whole = { x: 0, y: 0, w: canvas.width, h: canvas.height };
  const parts = { toolbar: r.toolbar, diagram: r.diagram, strip: r.strip, ...(r.dock ? { dock: r.dock } : {}) };
  for (const [name, rect] of Object.entries(parts))
    assert.ok(inside(rect, whole), `${label}: ${name} inside the canvas`);
  const names = Object.keys(parts);
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) assert.ok(!overlap(parts[a], parts[b]), `${label}: ${a} and ${b} overlap`);
  }
  assert.ok(r.diagram.h >= 150, `${label}: the diagram keeps ${r.diagram.h} px of height`);
  // Boxes are drawn in the diagram's region only, so the legend's strip covers none.
  for (const b of await boxes(p)) {
    assert.ok(b.y < r.diagram.y + r.diagram.h && b.x < r.diagram.x + r.diagram.w, `${label}: ${b.title} in view`);
  }
  if (r.dock) assert.equal(r.dockOverflowX, 0, `${label}: the dock's tab is wider than the dock`);
  return s;
}

const DESKTOP = [
  [768, 1024],
  [1024, 768],
  [1280, 720],
  [1400, 900],
  [1920, 1080],
];

test("nothing moves when the first run fills the page in, and no column says 'there' before it", async () => {
  await page.goto(server.url);
  await page.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  const there = await page.locator("#bw-sizes thead th.bw-there").evaluateAll((ths) => ths.map((th) => th.hidden));
  assert.deepEqual(there, [true, true], "the compared columns wait for a comparison");
  const before = await page.locator("#bw-canvas").boundingBox();
  const editor = await page.locator("#bw-editor").boundingBox();
  await run(CACHE);
  assert.deepEqual(await page.locator("#bw-canvas").boundingBox(), before, "the canvas stays where it was");
  assert.deepEqual(await page.locator("#bw-editor").boundingBox(), editor, "the editor stays where it was");
});

test("at 768, 1024, 1280, 1400 and 1920 px nothing scrolls sideways and the canvas's regions tile it", async () => {
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  await action("select", list.index); // the X-ray opens in the dock
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().xray.status === "done");
  for (const [width, height] of DESKTOP) {
    const label = `${width}x${height}`;
    await page.setViewportSize({ width, height });
    await settle();
    await settle();
    assert.deepEqual(await sidewaysProblems(page), [], label);
    const s = await checkRegions(page, label);
    assert.notEqual(s.regions.dock, null, `${label}: the X-ray is docked`);
    assert.ok(s.xray.columns === 8 || s.xray.columns === 16);
    await page.screenshot({ path: path.join(ARTIFACTS, `layout-${label}.png`) });
  }
  await action("closeWindows");
  await page.setViewportSize({ width: 1400, height: 900 });
});

test("the split between code and diagram drags, and Hide code gives the diagram the width", async () => {
  const splitter = await page.locator("#bw-splitter").boundingBox();
  const canvas = await page.locator("#bw-canvas").boundingBox();
  const middle = splitter.x + splitter.width / 2;
  await page.mouse.move(middle, splitter.y + 100);
  await page.mouse.down();
  await page.mouse.move(middle - 150, splitter.y + 100, { steps: 4 });
  await page.mouse.up();
  await settle();
  const wider = await page.locator("#bw-canvas").boundingBox();
  assert.ok(Math.abs(wider.width - canvas.width - 150) < 4, `the canvas grew by ${wider.width - canvas.width} px`);
  assert.deepEqual(await sidewaysProblems(page), []);
  await page.click("#bw-code-toggle");
  await settle();
  const whole = await page.locator("#bw-canvas").boundingBox();
  assert.ok(whole.width > 1300, `the canvas takes the width (${whole.width} px)`);
  assert.equal(await page.locator("#bw-editor").isVisible(), false);
  assert.equal(await page.locator("#bw-run").isVisible(), true, "Run stays");
  await page.click("#bw-code-toggle");
  await page.evaluate(() => localStorage.removeItem("bytewise.codeWidth"));
  await page.locator("#bw-splitter").focus();
  await page.keyboard.press("End");
  await page.keyboard.press("Home");
  assert.equal((await page.evaluate(() => globalThis.bytewise.layout())).codeWidth, 20);
  for (let i = 0; i < 10; i += 1) await page.keyboard.press("ArrowRight");
  assert.equal((await page.evaluate(() => globalThis.bytewise.layout())).codeWidth, 40);
});

test("a box's tooltip closes when a click opens its X-ray, and comes back once the pointer moves", async () => {
  await run(SMALL);
  const list = (await boxes()).find((b) => b.kind === "object" && b.title === "list");
  const canvas = await page.locator("#bw-canvas").boundingBox();
  const at = { x: canvas.x + list.x + 40, y: canvas.y + list.y + 10 };
  await page.mouse.move(at.x, at.y);
  await settle();
  assert.equal((await stats()).tooltip, true, "hovering shows the tooltip");
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().xrayOpen);
  await settle();
  assert.equal((await stats()).tooltip, false, "the X-ray opened: no tooltip over it");
  const moved = (await boxes()).find((b) => b.index === list.index);
  await page.mouse.move(canvas.x + moved.x + 24, canvas.y + moved.y + 16);
  await settle();
  assert.equal((await stats()).tooltip, true, "the pointer moved on: the tooltip is back");
  await page.mouse.move(canvas.x + 2, canvas.y + canvas.height - 2);
  await action("closeWindows");
});

test("presenter mode at 1920 x 1080: box text at least 18 px, drawn and on the screen", async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await run(SMALL);
  await page.keyboard.press("Alt+KeyP");
  await settle();
  await settle();
  const s = await stats();
  assert.equal(s.presenter, true);
  assert.ok(s.boxes <= 20, `${s.boxes} boxes`);
  assert.ok(s.boxTextPx >= 18, `box text is ${s.boxTextPx} px`);
  const drawn = await boxes();
  assert.ok(
    drawn.every((b) => b.textPx >= 18),
    drawn.map((b) => `${b.title}: ${b.textPx}`),
  );
  assert.deepEqual(await sidewaysProblems(page), []);
  // Glyph height on the screenshot: the ink of the list box's title ("list", bold, with
  // ascenders) spans about three quarters of the font size.
  const file = path.join(ARTIFACTS, "layout-presenter-1920x1080.png");
  await page.locator("#bw-canvas").screenshot({ path: file });
  const png = PNG.sync.read(fs.readFileSync(file));
  const list = drawn.find((b) => b.kind === "object" && b.title === "list");
  const rows = [];
  for (let y = Math.ceil(list.y + 2); y < list.y + s.boxTextPx * 1.45; y += 1) {
    for (let x = Math.ceil(list.x + 4); x < list.x + 4 + s.boxTextPx * 2.2; x += 1) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] < 90 && png.data[i + 1] < 90 && png.data[i + 2] < 90) {
        rows.push(y);
        break;
      }
    }
  }
  const ink = rows.length ? rows[rows.length - 1] - rows[0] + 1 : 0;
  assert.ok(ink >= 12, `the title's glyphs are ${ink} px tall on the screen`);
  const sizes = await page
    .locator("#bw-sizes td")
    .first()
    .evaluate((td) => parseFloat(getComputedStyle(td).fontSize));
  assert.ok(sizes >= 18, `the sizes table's text is ${sizes} px`);
  await page.screenshot({ path: path.join(ARTIFACTS, "layout-presenter-page.png") });
});

test("presenter mode: the cache example opens readable at its variables, Fit keeps 14 px, the overview says what is off-screen", async () => {
  await run(CACHE);
  let s = await stats();
  assert.ok(s.boxTextPx >= 18, `opening box text ${s.boxTextPx} px`);
  const drawn = await boxes();
  assert.ok(
    drawn.some((b) => b.kind === "variable" && b.title === "cache"),
    "the variables are in view",
  );
  const many = drawn.find((b) => b.kind === "aggregate" && b.title === "90 \u00d7 CachedItem");
  const list = drawn.find((b) => b.kind === "object" && b.title === "list");
  if (!many) await action("expand", list.index);
  else {
    const canvas = await page.locator("#bw-canvas").boundingBox();
    await page.mouse.click(canvas.x + many.x + many.w / 2, canvas.y + many.y + many.h / 2);
  }
  await page.waitForFunction(() => globalThis.bytewise.canvasStats().boxes > 200);
  await action("fit");
  await settle();
  s = await stats();
  assert.ok(s.boxTextPx >= 14, `Fit keeps box text at ${s.boxTextPx} px`);
  const out = s.regions.outOfView;
  assert.ok(out.total > 100, `the overview counts ${out.total} boxes out of view`);
  assert.equal(out.total, out.right + out.left + out.below + out.above);
  assert.equal(s.regions.minimap, true);
  await page.screenshot({ path: path.join(ARTIFACTS, "layout-presenter-cache.png") });
  await page.keyboard.press("Alt+KeyP");
  await settle();
  await action("fit");
  await settle();
  assert.ok((await stats()).boxTextPx >= 11, "Fit keeps 11 px out of presenter mode");
  await page.setViewportSize({ width: 1400, height: 900 });
});

test("phones, both ways, with touch: nothing scrolls sideways; the table turns into cards", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const phone = await context.newPage();
  const phoneProblems = collectProblems(phone);
  await phone.goto(server.url);
  await phone.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  await run(CACHE, phone);
  for (const [width, height] of [
    [390, 844],
    [844, 390],
  ]) {
    const label = `${width}x${height}`;
    await phone.setViewportSize({ width, height });
    await settle(phone);
    await settle(phone);
    assert.deepEqual(await sidewaysProblems(phone), [], label);
    await checkRegions(phone, label);
    if (width === 390) {
      assert.equal(await phone.locator("#bw-sizes").evaluate((t) => t.classList.contains("bw-stacked")), true);
      assert.ok((await stats(phone)).regions.toolbarLines >= 2, "the canvas's toolbar wraps");
    }
    await phone.screenshot({ path: path.join(ARTIFACTS, `layout-${label}.png`), fullPage: true });
  }
  assert.deepEqual(phoneProblems, []);
  await context.close();
});

test("nothing went wrong on the page", () => {
  assert.deepEqual(problems, []);
});
