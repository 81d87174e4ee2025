// The sandbox in Chromium: Stop (button, Esc, time limit) ends runaway code, code that
// cannot be interrupted gets a fresh worker, a crash and a grown heap restart Python by
// themselves, and after each the editor keeps its code and the next run works.
// Measured figures (stop latency, restart time) are printed as test diagnostics.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, collectProblems, openApp } from "./chromium.mjs";

let app, server, browser, page, problems;

before(async () => ({ server, browser, page, problems } = app = await openApp({ ready: "python" })));

after(() => app?.close());

const hook = (name, ...args) => page.evaluate(([n, a]) => globalThis.bytewise[n](...a), [name, args]);
const output = () => page.locator("#bw-output").textContent();

/** Starts `code` and returns once it is running. */
async function start(code) {
  await hook("setCode", code);
  const before = await hook("outcomes");
  await page.click("#bw-run");
  await page.waitForFunction((n) => globalThis.bytewise.running() || globalThis.bytewise.outcomes() > n, before);
  return before;
}

/** Waits for the run that started after `before` outcomes to end; returns its outcome. */
async function finished(before, timeout = 30_000) {
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout });
  return hook("lastOutcome");
}

/** Runs `code` to its end and returns the outcome. */
async function run(code, timeout) {
  return finished(await start(code), timeout);
}

/** After a stop or crash: Python answers again, and quickly once ready. */
async function assertRunsAgain(t) {
  const started = Date.now();
  await page.waitForFunction(() => globalThis.bytewise.sandbox().ready, null, { timeout: 30_000 });
  const readyMs = Date.now() - started;
  const ranAt = Date.now();
  const outcome = await run("print(1)");
  assert.equal(outcome.kind, "result");
  assert.equal(await output(), "1\n");
  t.diagnostic(`ready again after ${readyMs} ms; print(1) took ${Date.now() - ranAt} ms`);
  return readyMs;
}

test("the page is cross-origin isolated, so Stop can interrupt Python", async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  assert.equal((await hook("sandbox")).canInterrupt, true);
});

test("Stop ends a runaway loop within a second, and print(1) then runs within 2 s", async (t) => {
  await page.fill("#bw-time-limit", "0");
  const before = await start("n = 0\nwhile True:\n    n += 1\n");
  await page.waitForTimeout(300);
  const clicked = Date.now();
  await page.click("#bw-stop");
  const outcome = await finished(before, 5000);
  const latency = Date.now() - clicked;
  t.diagnostic(`stop latency (click to result): ${latency} ms`);
  assert.ok(latency < 1000, `${latency} ms`);
  assert.deepEqual(outcome, { kind: "result", stopped: "stop" });
  assert.match(await output(), /^Stopped\.\n$/);
  // The objects the loop made are shown: it was interrupted, not killed.
  assert.ok((await hook("lastReport")).roots.some((r) => r.name === "n"));
  const again = Date.now();
  await run("print(1)");
  assert.ok(Date.now() - again < 2000);
  assert.equal(await hook("code"), "print(1)");
});

test("Esc stops too", async () => {
  const before = await start("while True:\n    pass\n");
  await page.waitForTimeout(200);
  await page.keyboard.press("Escape");
  const outcome = await finished(before, 5000);
  assert.equal(outcome.stopped, "stop");
});

test("a call Python cannot interrupt (time.sleep(30)) gets a fresh worker; the code stays", async (t) => {
  const code = "import time\ntime.sleep(30)\n";
  const before = await start(code);
  await page.waitForTimeout(300);
  const clicked = Date.now();
  await page.click("#bw-stop");
  const outcome = await finished(before, 5000);
  t.diagnostic(`stopped by a restart ${Date.now() - clicked} ms after the click`);
  assert.deepEqual(outcome, { kind: "stopped", stopped: "stop" });
  assert.match(await output(), /inside a call Python could not interrupt\. Python is restarting; your code is kept\./);
  assert.equal(await hook("code"), code);
  const readyMs = await assertRunsAgain(t);
  t.diagnostic(`worker restart: ${readyMs} ms`);
});

test("the time limit stops a loop without a click, and says so", async () => {
  await page.fill("#bw-time-limit", "1");
  await page.dispatchEvent("#bw-time-limit", "change");
  try {
    const started = Date.now();
    const outcome = await run("while True:\n    pass\n", 10_000);
    const took = Date.now() - started;
    assert.deepEqual(outcome, { kind: "result", stopped: "time limit" });
    assert.ok(took < 2500, `${took} ms`);
    assert.match(await output(), /still running after the time limit of 1 s \(change it next to Run\)/);
  } finally {
    await page.fill("#bw-time-limit", "10");
    await page.dispatchEvent("#bw-time-limit", "change");
  }
});

test("a crash (recursion through __repr__) restarts Python by itself, with a message", async (t) => {
  const code = "class R:\n    def __repr__(self):\n        return repr(self)\nrepr(R())\n";
  const outcome = await run(code);
  assert.equal(outcome.kind, "crashed");
  const text = await output();
  assert.match(
    text,
    /^Python crashed \(Maximum call stack size exceeded\)\. It is restarting by itself; your code is kept\./,
  );
  assert.doesNotMatch(text, /Stack \(most recent call first\)/, "the dying interpreter's stack dump is left out");
  assert.equal(await hook("code"), code);
  await assertRunsAgain(t);
});

test("a 10,000-deep recursion is a RecursionError with a hint; Python lives on", async (t) => {
  const outcome = await run("import sys\nsys.setrecursionlimit(100_000)\ndef f(n):\n    return f(n + 1)\nf(0)\n");
  assert.equal(outcome.kind, "result");
  const text = await output();
  assert.match(text, /keeps the recursion limit at 3,000/);
  assert.match(text, /RecursionError: maximum recursion depth exceeded/);
  assert.match(text, /usually a missing base case/);
  await assertRunsAgain(t);
});

test("MemoryError and 32-bit overflow get a clear message, and the next run works", async (t) => {
  await run("x = [0] * 10**10\n");
  assert.match(await output(), /OverflowError[\s\S]*This Python is 32-bit/);
  await run("x = [0] * 2**29\n");
  assert.match(await output(), /MemoryError[\s\S]*more memory than this browser's Python can get/);
  await assertRunsAgain(t);
});

test("a heap grown past the limit is given back: Python restarts after showing the results", async (t) => {
  const outcome = await run("block = bytearray(600 * 2**20)\n", 60_000);
  assert.equal(outcome.kind, "result");
  assert.match(await output(), /heap had grown to \d+ MB, and a WebAssembly heap never shrinks/);
  assert.ok(
    (await hook("lastReport")).roots.some((r) => r.name === "block"),
    "the results stay",
  );
  await assertRunsAgain(t);
  const { heapBytes, recycleBytes } = await hook("sandbox");
  assert.ok(heapBytes < recycleBytes / 4, `heap after the restart: ${heapBytes}`);
  assert.match(await page.locator("#bw-heap").textContent(), /^Python heap \d+ MB$/);
});

test("a million prints: output stops at its cap with a visible line, the page stays responsive", async (t) => {
  const before = await start("for i in range(1_000_000):\n    print(i)\n");
  // The page answers while Python prints.
  const probe = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  t.diagnostic(`a frame during the flood after ${Date.now() - probe} ms`);
  const outcome = await finished(before, 60_000);
  assert.equal(outcome.kind, "result");
  const text = await output();
  t.diagnostic(`the output ends with ${JSON.stringify(text.slice(-160))}`);
  assert.match(text, /\n4999\n\[output truncated: more than 5,000 lines; the program went on running\]\n$/);
});

test("a partial line appears; text from the program is shown as text, never as HTML", async () => {
  await run("print('<img src=x onerror=\"document.title=1\">', end='')\n");
  assert.equal(await output(), '<img src=x onerror="document.title=1">');
  assert.equal(await page.locator("#bw-output img").count(), 0);
  await run(
    "class Loud:\n    def __repr__(self):\n        raise RuntimeError('no')\n'<b>bold</b>'\nitems = [Loud(), '<b>x</b>']\n",
  );
  assert.equal(await page.locator("#bw-sizes b, #bw-output b").count(), 0);
  assert.ok((await hook("lastReport")).roots.some((r) => r.name === "items"));
});

test("input() explains itself", async () => {
  await run("name = input('Name? ')\n");
  assert.match(await output(), /^Name\? Traceback[\s\S]*EOFError: input\(\) has no keyboard to read from here/);
});

/** A share link for `code`, made by the Share button. */
async function shareLink(code) {
  await hook("setCode", code);
  const before = (await hook("share")).link;
  await page.click("#bw-share");
  await page.waitForFunction((old) => globalThis.bytewise.share().link !== old, before);
  return (await hook("share")).link;
}

test("share links open in a fresh page; after links A and B, Restore and a reload give back the reader's own code", async () => {
  const code = "shared = ['a', 'b'] * 2\nprint(len(shared))\n";
  const link = await shareLink(code);
  assert.match(link, /#share=1\.[A-Za-z0-9_-]+$/);
  const other = await shareLink("other = 'B'\n");
  const fresh = await browser.newPage();
  const freshProblems = collectProblems(fresh);
  await fresh.goto(server.url);
  await fresh.evaluate(() => globalThis.bytewise.setCode("mine = 1\n"));
  // Each page loads whole before the next navigation, its offline copy too (which fetches
  // Pyodide's files again once Python is up): a download cut by a navigation is a failed request.
  await fresh.evaluate(() => globalThis.bytewise.offlineReady());
  await fresh.goto(link);
  await fresh.waitForFunction(() => globalThis.bytewise.share().opened);
  await fresh.evaluate(() => globalThis.bytewise.offlineReady());
  assert.equal(await fresh.evaluate(() => globalThis.bytewise.code()), code);
  assert.match(
    await fresh.locator("#bw-output").textContent(),
    /Opened a shared program\. Your own code is kept \(and under Earlier code\):Restore my code/,
  );
  // Link B on top of link A: the reader's own code is still the one kept.
  await fresh.goto(other);
  await fresh.waitForFunction(() => globalThis.bytewise.code() === "other = 'B'\n");
  await fresh.locator("text=Restore my code").last().click();
  assert.equal(await fresh.evaluate(() => globalThis.bytewise.code()), "mine = 1\n");
  // A reload opens link B again (it is in the address), and the reader's code is still kept.
  await fresh.evaluate(() => globalThis.bytewise.offlineReady()); // no download cut by the reload
  await fresh.reload();
  await fresh.waitForFunction(() => globalThis.bytewise.share().opened);
  assert.equal(await fresh.evaluate(() => globalThis.bytewise.code()), "other = 'B'\n");
  await fresh.locator("text=Restore my code").last().click();
  assert.equal(await fresh.evaluate(() => globalThis.bytewise.code()), "mine = 1\n");
  // The history offers the earlier versions (here: the code typed before "mine = 1").
  assert.ok((await fresh.locator("#bw-history option").count()) >= 1);
  await fresh.evaluate(() => globalThis.bytewise.offlineReady());
  await fresh.goto(link);
  await fresh.waitForFunction(() => globalThis.bytewise.share().opened);
  await fresh.evaluate(() => globalThis.bytewise.pythonReady);
  await fresh.click("#bw-run");
  await fresh.waitForFunction(() => globalThis.bytewise.reportsShown() > 0);
  assert.equal(await fresh.locator("#bw-output").textContent(), "4\n");
  assert.equal((await fresh.evaluate(() => globalThis.bytewise.lastReport())).roots[0].name, "shared");
  // An unedited shared program is never saved as the reader's own code.
  assert.equal(await fresh.evaluate(() => localStorage.getItem("bytewise.code")), "mine = 1\n");
  await fresh.evaluate(() => globalThis.bytewise.offlineReady());
  assert.deepEqual(freshProblems, []);
  await fresh.close();
});

test("a share link with a 1 MB payload gets a clear error, and the page's own code stays", async () => {
  const fresh = await browser.newPage();
  await fresh.goto(server.url);
  await fresh.evaluate(() => globalThis.bytewise.setCode("mine = 2\n"));
  await fresh.goto(`${server.url}#share=1.${"A".repeat(1_048_576)}`);
  await fresh.waitForFunction(() => globalThis.bytewise.share().error !== null);
  assert.match(
    await fresh.locator("#bw-output").textContent(),
    /^This share link cannot be opened: it is 1,048,585 characters long, and a link may have 16,384\. Your own code is unchanged/,
  );
  assert.equal(await fresh.evaluate(() => globalThis.bytewise.code()), "mine = 2\n");
  await fresh.close();
});

test("nothing went wrong on the page but the crash the test caused", async () => {
  await page.screenshot({ path: path.join(ARTIFACTS, "sandbox.png") });
  // Pyodide reports its fatal error on the worker's console (three messages).
  const expected =
    /^console error: (Pyodide has suffered a fatal error|The cause of the fatal error was:|RangeError: Maximum call stack size exceeded)/;
  assert.deepEqual(
    problems.filter((p) => !expected.test(p)),
    [],
  );
});
