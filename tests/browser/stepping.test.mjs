// Stepping through a recorded run in the page: the keys move between steps, the editor
// marks the line about to run and the one just run, each frame is drawn with its named
// slots and bytes, the output is what was printed up to the step, the chart and the
// memory-by-line table follow; a share link opens at its step; a program that never ends
// is stopped and its steps stay usable. Screenshots at phone, laptop and projector sizes.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, openApp } from "./chromium.mjs";

let app, page;

before(async () => ({ page } = app = await openApp({ ready: "python" })));

after(() => app?.close());

const hook = (name, ...args) => page.evaluate(([n, a]) => globalThis.bytewise[n](...a), [name, args]);
const steps = () => hook("steps");

const PROGRAM = `def grow(n):
    items = []
    for i in range(n):
        items.append(i * 1.5)
    return items

data = grow(3)
print("made", len(data))
copy = data
del data
`;

async function record(code) {
  await hook("setCode", code);
  const before = await hook("outcomes");
  await page.click("#bw-step-run");
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 60_000 });
  await page.waitForFunction(() => globalThis.bytewise.steps().shown, null, { timeout: 10_000 });
  return steps();
}

test("the keys step forward and back, and each step shows its lines, frames, output and chart", async () => {
  const first = await record(PROGRAM);
  assert.equal(first.index, 0);
  const lines = first.report.steps.map((s) => s.line);
  assert.equal(lines[0], 1, "the first step is about to run line 1");
  assert.equal(lines.at(-1), null, "the final step is the program's end");
  assert.equal(first.count, lines.length);
  assert.equal(first.next, 1);
  assert.equal(first.done, null);
  assert.deepEqual(
    first.frames.map((f) => f.function),
    ["<module>"],
  );
  assert.match(first.frames[0].title, /^Global frame/);
  assert.deepEqual(first.chartPaths.slice(0, 1), ["bw-chart-line bw-chart-total"]);
  assert.ok(
    first.chartPaths.some((c) => c.includes("variable")),
    "the largest global has a line of its own",
  );

  // Right moves one step; the line just run is the one the step before was about to run.
  await page.locator("#bw-step-position").click();
  await page.keyboard.press("ArrowRight");
  let now = await steps();
  assert.equal(now.index, 1);
  assert.equal(now.next, lines[1]);
  assert.equal(now.done, 1);
  assert.deepEqual(
    now.frames[0].slots.map((s) => [s.name, s.status]),
    [["grow", "new"]],
  );

  // Into the call: the function's frame is drawn below the module's, with its locals.
  const inCall = first.report.steps.findIndex((s) => s.frames.length === 2 && s.frames[1].variables.length >= 2);
  assert.ok(inCall > 0, "a step inside grow() with its locals");
  for (let i = 1; i < inCall; ++i) await page.keyboard.press("ArrowRight");
  now = await steps();
  assert.equal(now.index, inCall);
  assert.deepEqual(
    now.frames.map((f) => f.function),
    ["<module>", "grow"],
  );
  assert.match(now.frames[1].title, /^grow\(\) line \d+ [\d,]+ B · \d+ objects$/);
  const slots = now.frames[1].slots.map((s) => s.name);
  assert.deepEqual(slots.slice(0, 2), ["n", "items"]);
  const items = now.frames[1].slots.find((s) => s.name === "items");
  assert.equal(items.cells[1], "list");
  const reported = first.report.steps[inCall].frames[1].variables.find((v) => v.name === "items");
  assert.equal(items.cells[2], reported.shallow.toLocaleString("en"), "the slot shows the report's shallow size");
  assert.equal(items.cells[3], reported.deep.toLocaleString("en"));
  assert.equal(now.currentRow, String(lines[inCall]), "the memory-by-line table marks the step's line");
  assert.equal(now.output, "", "nothing is printed yet");

  // End: the output printed up to the step, the deleted name struck through where it goes.
  await page.keyboard.press("End");
  now = await steps();
  assert.equal(now.index, lines.length - 1);
  assert.equal(now.next, null);
  assert.equal(now.done, 10);
  assert.equal(now.output, "made 3\n");
  const afterDel = now.frames[0].slots.map((s) => [s.name, s.status]);
  assert.deepEqual(
    afterDel.find(([name]) => name === "copy"),
    ["copy", "same"],
  );
  const delStep = lines.indexOf(10);
  await page.keyboard.press("Home");
  assert.equal((await steps()).index, 0);
  for (let i = 0; i < delStep + 1; ++i) await page.keyboard.press("ArrowRight");
  now = await steps();
  assert.deepEqual(
    now.frames[0].slots.find((s) => s.name === "data")?.status,
    "gone",
    "a name del removed is shown struck through at the step it goes",
  );
  // Left goes back, and the output goes back with it.
  const printed = lines.indexOf(8);
  while ((await steps()).index > printed) await page.keyboard.press("ArrowLeft");
  assert.equal((await steps()).output, "", "line 8 has not run yet at its own step");
  await page.keyboard.press("ArrowRight");
  assert.equal((await steps()).output, "made 3\n");

  // A click on the chart jumps to that step.
  const box = await page.locator("#bw-step-chart").boundingBox();
  await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  assert.equal((await steps()).index, lines.length - 1);

  for (const [label, width, height] of [
    ["phone", 390, 844],
    ["laptop", 1366, 768],
    ["projector", 1920, 1080],
  ]) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => globalThis.bytewise.steps());
    await page.screenshot({ path: path.join(ARTIFACTS, `stepping-${label}.png`), fullPage: label === "phone" });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${label}: nothing scrolls sideways (${overflow} px)`);
  }
  await page.setViewportSize({ width: 1400, height: 900 });
});

test("moving to any step redraws quickly", async (t) => {
  await record("xs = []\nfor i in range(300):\n    xs.append([i])\n");
  const ms = await page.evaluate(() => {
    const slider = document.querySelector("#bw-step-slider");
    const times = [];
    for (const to of [Number(slider.max), 0, Math.floor(Number(slider.max) / 2), Number(slider.max)]) {
      const started = performance.now();
      slider.value = String(to);
      slider.dispatchEvent(new Event("input"));
      times.push(performance.now() - started);
    }
    return times;
  });
  t.diagnostic(`slider jumps: ${ms.map((m) => m.toFixed(1)).join(", ")} ms`);
  assert.equal((await steps()).index, (await steps()).count - 1);
});

test("a share link opens the program stepped through at its step", async () => {
  await record(PROGRAM);
  await page.locator("#bw-step-position").click();
  for (let i = 0; i < 4; ++i) await page.keyboard.press("ArrowRight");
  assert.equal((await steps()).index, 4);
  await page.click("#bw-share");
  await page.waitForFunction(() => globalThis.bytewise.share().link);
  const link = (await hook("share")).link;
  const other = await app.browser.newPage({ viewport: { width: 1366, height: 768 } });
  try {
    await other.goto(link);
    await other.waitForFunction(() => globalThis.bytewise?.steps?.().shown, null, { timeout: 90_000 });
    const opened = await other.evaluate(() => globalThis.bytewise.steps());
    assert.equal(opened.index, 4);
    assert.equal(opened.next, opened.report.steps[4].line);
  } finally {
    await other.close();
  }
});

test("the step cap ends recording and the time limit stops a program that never ends, its steps kept", async () => {
  await hook("setStepCap", 50);
  let shown = await record("n = 0\nfor i in range(10_000):\n    n += i\nprint(n)\n");
  assert.equal(shown.count, 51, "50 steps, then the final one");
  assert.match(
    await page.locator("#bw-step-notice").textContent(),
    /Stopped recording after 50 steps; the program ran on/,
  );
  assert.equal(shown.output, "", "the output up to the first step shown");
  await page.keyboard.press("End");
  assert.equal((await steps()).index, 50);
  assert.equal((await steps()).output, "49995000\n", "the program ran on to its end");
  // Without a step cap it runs into the time limit; the steps recorded stay.
  await hook("setStepCap", 1_000_000);
  await page.fill("#bw-time-limit", "2");
  shown = await record("n = 0\nwhile True:\n    n += 1\n");
  assert.ok(shown.count > 10, `${shown.count} steps`);
  assert.match(await page.locator("#bw-step-notice").textContent(), /time limit of 2 s/);
  await page.keyboard.press("End");
  assert.equal((await steps()).index, shown.count - 1);
  await hook("setStepCap", undefined);
  await page.fill("#bw-time-limit", "10");
});

test("a lesson stops at a step, asks what the next one shows, then shows it", async () => {
  await hook("openLesson", "14-memory-kept-after-del");
  const box = page.locator('.bw-exercise[data-kind="step"]').first();
  assert.match(await box.textContent(), /It stops as line 3 is about to run\./);
  const before = await hook("outcomes");
  await box.locator("text=Step to this point").click();
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n && globalThis.bytewise.steps().shown, before, {
    timeout: 60_000,
  });
  let now = await steps();
  assert.equal(now.report.steps[now.index].line, 3, "the steps open where the exercise stops");
  assert.equal(now.next, 3);
  assert.match(await hook("code"), /^data = list\(range\(1000, 2000\)\)\nalias = data\ndel data\n/);
  await box.locator('input[value="False"]').check();
  await box.locator(".bw-exercise-commit").click();
  await box.locator(".bw-right").waitFor({ timeout: 60_000 });
  assert.match(
    await box.locator(".bw-exercise-result").textContent(),
    /nothing went away \(0 objects, 0 bytes freed\)/,
  );
  const stop = now.index;
  const shown = await hook("outcomes");
  await box.locator("text=Show the next step").click();
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n && globalThis.bytewise.steps().shown, shown, {
    timeout: 60_000,
  });
  now = await steps();
  assert.equal(now.index, stop + 1);
  assert.equal(now.report.steps[now.index].changes.freed.objects, 0);
  assert.equal(now.done, 3);
});
