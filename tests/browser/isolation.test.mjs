// The sandbox's walls in Chromium, tried as an attacker would. User code runs in workers
// of an opaque-origin frame: even a program that got hold of its worker's JavaScript (the
// tests below go straight there, through the browser's devtools protocol) cannot open the
// app's Cache Storage, IndexedDB or localStorage, cannot make the page serve anything the
// build did not produce (the cache-poisoning attack, with an offline reload), cannot post
// protocol messages the page trusts, and cannot change what the next run measures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { collectProblems, openApp } from "./chromium.mjs";

let app, server, browser, page, problems;

before(async () => ({ server, browser, page, problems } = app = await openApp({ ready: "python" })));

after(() => app?.close());

const hook = (target, name, ...args) => target.evaluate(([n, a]) => globalThis.bytewise[n](...a), [name, args]);

/** Runs `code` on `target` (a page) to its end; returns the report shown. */
async function run(target, code) {
  await hook(target, "setCode", code);
  const before = await hook(target, "outcomes");
  await target.click("#bw-run");
  await target.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 60_000 });
  return hook(target, "lastReport");
}

/** The Python workers of `target` (the one in charge, and a spare if one started). */
async function pythonWorkers(target) {
  await target.waitForFunction(() => true);
  const workers = [];
  for (const worker of target.workers()) {
    if (await worker.evaluate(() => typeof globalThis.loadPyodide !== "undefined" || "onmessage" in globalThis)) {
      workers.push(worker);
    }
  }
  assert.ok(workers.length > 0, "the page has a Python worker");
  return workers;
}

test("user code's worker has an opaque origin: no Cache Storage, IndexedDB or localStorage", async () => {
  await run(page, "x = 1");
  for (const worker of await pythonWorkers(page)) {
    const seen = await worker.evaluate(async () => {
      const attempt = async (action) => {
        try {
          return `DID ${await action()}`;
        } catch (err) {
          return `refused ${err.name}`;
        }
      };
      return {
        origin: self.origin,
        caches: typeof self.caches === "undefined" ? "none" : await attempt(() => caches.open("bytewise-offline-v1")),
        indexedDB: await attempt(
          () =>
            new Promise((resolve, reject) => {
              const request = indexedDB.open("bytewise");
              request.onsuccess = () => resolve("opened");
              request.onerror = () => reject(request.error);
            }),
        ),
        localStorage: typeof self.localStorage,
        serviceWorker: typeof navigator.serviceWorker,
      };
    });
    assert.equal(seen.origin, "null");
    assert.equal(seen.caches, "none");
    assert.match(seen.indexedDB, /^refused/);
    assert.equal(seen.localStorage, "undefined");
    assert.equal(seen.serviceWorker, "undefined");
  }
});

test("Python's js module is empty, and the bridges cannot be imported", async () => {
  const report = await run(
    page,
    [
      "import gc",
      "mods = {m.__name__: m for m in gc.get_objects() if type(m).__name__ == 'module'}",
      "js = mods['_pyodide._importhook'].jsfinder.jsproxies['js']",
      "print(sorted(js.object_keys()))",
      "try:",
      "    import js",
      "except ImportError as e:",
      "    print('refused')",
    ].join("\n"),
  );
  assert.equal(report.error, null, report.error?.traceback);
  assert.equal(report.stdout, "[]\nrefused\n");
});

test("the cache-poisoning attack fails, and an offline reload serves the app as built", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const online = await context.newPage();
  const onlineProblems = collectProblems(online);
  await online.goto(server.url);
  await online.evaluate(() => globalThis.bytewise.pythonReady);
  const cached = await online.evaluate(() => globalThis.bytewise.offlineReady());
  assert.equal(cached.ok, true, cached.error);
  await hook(online, "setCode", "mine = 'the code I typed'\n");
  // The attack of the issue, from the worker's own JavaScript: put a forged page for "/"
  // into the offline cache.
  const forged = `<!doctype html><title>forged</title><script>document.title = localStorage.length</script>`;
  for (const worker of await pythonWorkers(online)) {
    const outcome = await worker.evaluate(async (html) => {
      try {
        const cache = await caches.open("bytewise-offline-v1");
        await cache.put(
          new Request(new URL("/", location.href)),
          new Response(html, { headers: { "Content-Type": "text/html" } }),
        );
        return "put";
      } catch (err) {
        return `refused ${err.name}`;
      }
    }, forged);
    assert.match(outcome, /^refused/);
  }
  await online.close();
  await context.setOffline(true);
  const offline = await context.newPage();
  await offline.goto(server.url);
  assert.equal(await offline.title(), "Bytewise: what Python objects really cost in memory");
  await offline.evaluate(() => globalThis.bytewise.pythonReady);
  assert.equal(await hook(offline, "code"), "mine = 'the code I typed'\n");
  assert.deepEqual(onlineProblems, []);
  await context.close();
});

test("protocol messages posted from a worker's global scope are not heard by the page", async () => {
  await run(page, "x = [1, 2, 3]");
  const shown = await hook(page, "reportsShown");
  for (const worker of await pythonWorkers(page)) {
    await worker.evaluate(() => {
      for (const id of [0, 1, 2, 3, 1000]) {
        self.postMessage({ type: "result", id, run: { snapshot: new Uint8Array(8), facts: {} }, heapBytes: 1 });
        self.postMessage({ type: "output", stream: "stdout", text: "FORGED" });
        self.postMessage({ type: "fatal", id, message: "forged" });
      }
    });
  }
  await page.waitForTimeout(300);
  assert.equal(await hook(page, "reportsShown"), shown);
  assert.ok(!(await page.locator("#bw-output").textContent()).includes("FORGED"));
  const report = await run(page, "y = (1, 2)");
  assert.deepEqual(
    report.roots.map((r) => [r.name, r.objects]),
    [["y", 3]],
  );
});

test("a run in a fresh Python: patches to its Python or JavaScript do not reach the next run", async () => {
  const innocent = "x = [1, 2, 3]\nprint(len(x), id(x) != 0)";
  const clean = await run(page, innocent);
  assert.equal(clean.stdout, "3 True\n");
  const fingerprint = (r) => JSON.stringify([r.stdout, r.roots.map((x) => [x.name, x.shallow, x.deep, x.objects])]);
  // While this program runs, its worker is the page's only one (the spare became it): it is
  // patched in JavaScript too, as a program that reached its worker's JavaScript could.
  await hook(
    page,
    "setCode",
    "import builtins, sys, time\nbuiltins.id = lambda o: 0\nbuiltins.len = lambda o: -1\nsys.getsizeof = lambda *a: 1\ntime.sleep(0.5)",
  );
  const before = await hook(page, "outcomes");
  await page.click("#bw-run");
  await page.waitForFunction(() => globalThis.bytewise.running());
  let patched = 0;
  for (const worker of page.workers()) {
    patched += await worker
      .evaluate(() => {
        Object.fromEntries = () => ({});
        Uint8Array.prototype.slice = function () {
          return new Uint8Array(0);
        };
        return 1;
      })
      .catch(() => 0); // a worker ended meanwhile
  }
  assert.ok(patched >= 1);
  await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 60_000 });
  // The next run takes the spare that started with the patched run.
  await page.waitForFunction(() => globalThis.bytewise.sandbox().spareReady, null, { timeout: 60_000 });
  const after = await run(page, innocent);
  assert.equal(fingerprint(after), fingerprint(clean));
});

test("nothing went wrong on the page", () => {
  assert.deepEqual(problems, []);
});
