// The lessons in Chromium: a newcomer goes from the lesson list to a revealed answer with
// live numbers; a wrong then a right prediction; answers for the chosen platform; code
// opened in the sandbox; progress kept across reloads; a share link that opens a lesson in
// a fresh page; embed mode. Screenshots: test-artifacts/lessons-*.png.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, collectProblems, openApp } from "./chromium.mjs";

let app, server, browser, page, problems;

before(async () => ({ server, browser, page, problems } = app = await openApp()));

after(() => app?.close());

const hook = (name, ...args) => page.evaluate(([n, a]) => globalThis.bytewise[n](...a), [name, args]);
const exercise = (n) => page.locator(".bw-exercise").nth(n);

/** Commits `answer` in exercise `n` and waits for its verdict. */
async function predict(n, answer) {
  const ex = exercise(n);
  const radio = ex.locator(`input[type=radio][value="${answer}"]`);
  if (await radio.count()) await radio.check();
  else await ex.locator(".bw-exercise-answer").fill(answer);
  const before = await ex.locator(".bw-exercise-result").textContent();
  await ex.locator(".bw-exercise-commit").click();
  await page.waitForFunction(
    ([i, b]) => {
      const r = document.querySelectorAll(".bw-exercise")[i].querySelector(".bw-exercise-result").textContent;
      return r !== b && !r.startsWith("Running");
    },
    [n, before],
    { timeout: 30_000 },
  );
  return ex.locator(".bw-exercise-result").textContent();
}

test("a newcomer goes from the lesson list to a revealed answer with live numbers in under a minute", async (t) => {
  const started = Date.now();
  await page.goto(server.url);
  await page.click("#bw-lessons-toggle");
  const list = await page.locator(".bw-lesson-link").allTextContents();
  assert.equal(list.length, 17);
  assert.equal(list[0], "sys.getsizeof is shallow");
  assert.match(
    await page.locator("#bw-lessons").textContent(),
    /^Lessons: 0 of 17 done.*Deep sizes that survive deep nesting0\/2advanced$/s,
  );
  await page.screenshot({ path: path.join(ARTIFACTS, "lessons-list.png") });
  await page.click("text=256 is 256, but 257 is not 257");
  // The first exercise: 256 is cached. A wrong prediction gets the hint, not the answer.
  const wrong = await predict(0, "False");
  assert.match(wrong, /^Not quite\. Not this time\.Hint: Is 256 in the cached range\?$/);
  assert.doesNotMatch(wrong, /It prints/);
  const right = await predict(0, "True");
  assert.equal(right, "Right.It prints True. Both names point at the one cached 256.");
  const ms = Date.now() - started;
  t.diagnostic(`list to revealed answer: ${ms} ms (Pyodide load included)`);
  assert.ok(ms < 60_000);
  await page.screenshot({ path: path.join(ARTIFACTS, "lessons-exercise.png") });
});

test("two wrong predictions reveal the answer and the explanation", async () => {
  const result = await predict(1, "True");
  assert.match(result, /^Not quite/);
  const revealed = await predict(1, "True");
  assert.equal(
    revealed,
    "The answer: False.It prints False. Two equal values, two objects. Use == to compare numbers.",
  );
  assert.deepEqual(Object.values((await hook("lessons")).progress["04-small-int-cache"]).sort(), [
    "correct",
    "revealed",
  ]);
});

test("a bytes answer is computed for the platform the reader chose", async () => {
  await hook("openLesson", "05-list-vs-tuple");
  await page.selectOption("#bw-compare", ""); // this browser's Python
  await hook("openLesson", "05-list-vs-tuple");
  assert.match(await exercise(1).textContent(), /Sizes for: this browser's Python/);
  assert.equal(await predict(1, "~30 bytes"), "Not quite. Too few.Hint: A tuple's header, then one pointer per item.");
  const right = await predict(1, "36 bytes");
  assert.match(right, /^Right\.36 bytes in this browser, 64 on 64-bit CPython 3\.12: /);
  await page.selectOption("#bw-compare", "cpython-3.12-64");
  await hook("openLesson", "05-list-vs-tuple");
  assert.match(await exercise(1).textContent(), /Sizes for: 64-bit CPython 3\.12/);
  assert.match(await predict(1, "64"), /^Right\./);
});

test("a code block opens in the sandbox and runs there", async () => {
  await hook("openLesson", "02-pointers-not-values");
  await page.locator(".bw-open-code").first().click();
  assert.match(await hook("code"), /^import sys\nbig = \[10\*\*100\] \* 3\n/);
  const shown = await hook("reportsShown");
  await page.click("#bw-run");
  await page.waitForFunction((n) => globalThis.bytewise.reportsShown() > n, shown);
  assert.equal(await page.locator("#bw-output").textContent(), "40 44\n");
});

test("progress is kept across a reload", async () => {
  await page.reload();
  await page.click("#bw-lessons-toggle");
  const row = page.locator(".bw-lesson-list li", { hasText: "256 is 256" });
  // Two of the lesson's three exercises were answered above (the third is 3.15's cache).
  assert.match(await row.textContent(), /(?<!✓ )2\/3/);
});

test("a share link carries the lesson: a fresh page opens it", async () => {
  await page.evaluate(() => globalThis.bytewise.openLesson("07-cycles"));
  await page.click("#bw-share");
  await page.waitForFunction(() => globalThis.bytewise.share().link !== null);
  const link = (await hook("share")).link;
  const fresh = await browser.newPage();
  const freshProblems = collectProblems(fresh);
  await fresh.goto(link);
  await fresh.waitForFunction(() => globalThis.bytewise.share().opened);
  const lessons = await fresh.evaluate(() => globalThis.bytewise.lessons());
  assert.deepEqual([lessons.open, lessons.current], [true, "07-cycles"]);
  assert.equal(await fresh.locator(".bw-lesson-title").textContent(), "Reference cycles");
  assert.deepEqual(freshProblems, []);
  await fresh.close();
});

test("embed mode at 900 x 640 shows the editor, Run and the canvas only, the whole canvas in view, and runs", async () => {
  const embed = await browser.newPage({ viewport: { width: 900, height: 640 } });
  const embedProblems = collectProblems(embed);
  await embed.goto(`${server.url}?embed=1`);
  await embed.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  assert.equal(await embed.evaluate(() => globalThis.bytewise.embedded()), true);
  for (const hidden of [".bw-header", "#bw-lessons", "#bw-details .bw-table-scroll", ".bw-compare", "#bw-stepper"]) {
    assert.equal(await embed.locator(hidden).isVisible(), false, hidden);
  }
  for (const shown of ["#bw-run", "#bw-editor", "#bw-canvas"])
    assert.equal(await embed.locator(shown).isVisible(), true, shown);
  await embed.evaluate(() => globalThis.bytewise.setCode("xs = [1, 2, 3]\nname = 'Ada'\n"));
  await embed.click("#bw-run");
  await embed.waitForFunction(() => globalThis.bytewise.drawnBoxes().length > 0);
  const stats = () => embed.evaluate(() => globalThis.bytewise.canvasStats());
  const settle = async () => {
    const frames = (await stats()).framesRendered;
    await embed.evaluate(() => globalThis.bytewise.canvasAction("redraw"));
    await embed.waitForFunction((n) => globalThis.bytewise.canvasStats().framesRendered >= n + 2, frames);
  };
  await settle();
  const canvas = await embed.locator("#bw-canvas").boundingBox();
  assert.ok(
    canvas.y >= 0 && canvas.y + canvas.height <= 640,
    `the canvas spans ${canvas.y}..${canvas.y + canvas.height}`,
  );
  assert.ok((await stats()).regions.diagram.h >= 300, "the diagram has the frame's height");
  const drawn = await embed.evaluate(() => globalThis.bytewise.drawnBoxes());
  assert.ok(
    drawn.some((b) => b.kind === "variable" && b.title === "xs"),
    "the variables are in view",
  );
  assert.ok(
    await embed.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    "nothing scrolls sideways",
  );
  await embed.screenshot({ path: path.join(ARTIFACTS, "lessons-embed.png") });
  // The code can be put away: the diagram takes the frame's width, and Fit shows it all.
  await embed.click("#bw-code-toggle");
  await settle();
  assert.equal(await embed.locator("#bw-editor").isVisible(), false);
  assert.ok((await embed.locator("#bw-canvas").boundingBox()).width > canvas.width + 200, "hiding the code widens it");
  await embed.evaluate(() => globalThis.bytewise.canvasAction("fit"));
  await settle();
  assert.equal((await stats()).regions.outOfView.total, 0, "with the code hidden, Fit shows every box");
  await embed.screenshot({ path: path.join(ARTIFACTS, "lessons-embed-code-hidden.png") });
  assert.deepEqual(embedProblems, []);
  await embed.close();
});

test("after one visit the app works offline: the page, Python, the lessons and a run", async (t) => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const online = await context.newPage();
  await online.goto(server.url);
  await online.evaluate(() => globalThis.bytewise.pythonReady);
  const cached = await online.evaluate(() => globalThis.bytewise.offlineReady());
  assert.equal(cached.ok, true, cached.error);
  t.diagnostic(`${cached.files} files kept for offline use`);
  await online.close();
  await context.setOffline(true);
  const offline = await context.newPage();
  const offlineProblems = collectProblems(offline);
  await offline.goto(server.url);
  await offline.evaluate(() => globalThis.bytewise.pythonReady);
  assert.equal(
    await offline.evaluate(() => globalThis.crossOriginIsolated),
    true,
    "still isolated, so Stop can interrupt",
  );
  await offline.evaluate(() => globalThis.bytewise.setCode("print(sum(range(10)))\n"));
  await offline.click("#bw-run");
  await offline.waitForFunction(() => globalThis.bytewise.reportsShown() > 0);
  assert.equal(await offline.locator("#bw-output").textContent(), "45\n");
  await offline.click("#bw-lessons-toggle");
  assert.equal(await offline.locator(".bw-lesson-link").count(), 17);
  assert.deepEqual(
    offlineProblems.filter((p) => !p.startsWith("request failed")),
    [],
  );
  await context.close();
});

test("nothing went wrong on the page", () => {
  assert.deepEqual(problems, []);
});
