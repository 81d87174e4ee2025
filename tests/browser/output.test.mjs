// Output is live and nothing asked for is dropped: a program's prints appear while it
// runs (posted from the write handler, not from a timer that cannot fire while Python
// runs), what it printed before a Stop that restarts Python stays, and a run asked for
// while Python is still loading runs once it is ready.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openApp } from "./chromium.mjs";

let app, server, page, problems;

before(async () => ({ server, page, problems } = app = await openApp()));

after(() => app?.close());

const hook = (name, ...args) => page.evaluate(([n, a]) => globalThis.bytewise[n](...a), [name, args]);
const output = () => page.locator("#bw-output").textContent();

test("Ctrl+Enter while Python loads runs the program once Python is ready", async () => {
  await page.goto(server.url);
  await page.waitForFunction(() => globalThis.bytewise?.setCode);
  await hook("setCode", "print('asked for early')\n");
  assert.equal((await hook("sandbox")).ready, false, "Python is still loading");
  // The load says how long it takes: on the first visit in general, then as measured here.
  assert.match(await page.locator("#bw-status-text").textContent(), /\(about \d+ s last time\)|\(usually 3 to 10 s/);
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  assert.match(await output(), /runs as soon as it is ready/);
  await page.waitForFunction(() => globalThis.bytewise.outcomes() > 0, null, { timeout: 60_000 });
  assert.equal(await output(), "asked for early\n");
  const loadMs = Number(await page.evaluate(() => localStorage.getItem("bytewise.loadMs")));
  assert.ok(loadMs > 0, "the load time is kept for the next visit");
  // The run started a spare Python: let it load, so the reload cuts no fetch short.
  await page.waitForFunction(() => globalThis.bytewise.sandbox().spareReady, null, { timeout: 60_000 });
  await page.reload();
  await page.waitForFunction(() => globalThis.bytewise?.setCode);
  if (!(await hook("sandbox")).ready) {
    assert.match(await page.locator("#bw-status-text").textContent(), /\(about \d+ s last time\)/);
  }
  await page.evaluate(() => globalThis.bytewise.pythonReady);
});

test("a slow loop's prints appear as they happen", async (t) => {
  await page.evaluate(() => globalThis.bytewise.pythonReady);
  await hook("setCode", "import time\nfor i in range(3):\n    print('tick', i)\n    time.sleep(1)\n");
  const before = await hook("outcomes");
  const clicked = Date.now();
  await page.click("#bw-run");
  await page.waitForFunction(() => document.querySelector("#bw-output").textContent.includes("tick 0"), null, {
    timeout: 1000,
  });
  const firstMs = Date.now() - clicked;
  assert.equal(await hook("running"), true, "the program is still running");
  await page.waitForFunction(() => document.querySelector("#bw-output").textContent.includes("tick 1"), null, {
    timeout: 2500,
  });
  assert.equal(await hook("running"), true);
  t.diagnostic(`first print on the page ${firstMs} ms after the click`);
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 10_000 });
  assert.equal(await output(), "tick 0\ntick 1\ntick 2\n");
});

test("what a program printed before a Stop that restarts Python stays on the page", async () => {
  await page.fill("#bw-time-limit", "0");
  await hook("setCode", "import time\nprint('before')\ntime.sleep(30)\n");
  const before = await hook("outcomes");
  await page.click("#bw-run");
  await page.waitForFunction(() => document.querySelector("#bw-output").textContent.includes("before"));
  await page.click("#bw-stop");
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 10_000 });
  assert.match(await output(), /^before\nStopped, inside a call Python could not interrupt/);
});

test("a KeyboardInterrupt the program raises itself is shown as its error, not as a Stop", async () => {
  await page.fill("#bw-time-limit", "10");
  await hook("setCode", "raise KeyboardInterrupt('mine')\n");
  const before = await hook("outcomes");
  await page.click("#bw-run");
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 20_000 });
  const text = await output();
  assert.match(text, /KeyboardInterrupt: mine/);
  assert.ok(!text.includes("Stopped"), text);
});

test("a time limit that is not a number of seconds is the default for the run, and the page says so", async () => {
  await page.fill("#bw-time-limit", "-5");
  await hook("setCode", "print('ok')\n");
  const before = await hook("outcomes");
  await page.click("#bw-run");
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 20_000 });
  assert.equal(await page.inputValue("#bw-time-limit"), "10");
  assert.equal(
    await output(),
    'The time limit "-5" is not a number of seconds from 0 (no limit) to 600: it is 10 s for this run.\nok\n',
  );
});

test("a link to a lesson this version does not have says so, and opens its program", async () => {
  const { encodeShare } = await import("../../web/share.js");
  const { link } = await encodeShare({ code: "print(2)\n", lesson: "no-such-lesson" });
  await page.goto(`${server.url}${link}`);
  await page.waitForFunction(() => globalThis.bytewise.share().opened);
  assert.match(await output(), /names a lesson "no-such-lesson" that this version of Bytewise does not have/);
  assert.equal(await hook("code"), "print(2)\n");
});

test("nothing went wrong on the page", () => {
  assert.deepEqual(problems, []);
});
