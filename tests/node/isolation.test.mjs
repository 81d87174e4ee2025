// The sandbox on the Node side, tried as an attacker would: programs run by the Node API,
// the CLI and `lessons check` cannot reach the host (files, processes, network) even
// through Pyodide's own objects found on the heap, are stopped at their time limit, and
// cannot change what a later run measures or prints.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openBytewise } from "../../web/node-api.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "bin", "bytewise.mjs");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bytewise-isolation-"));
const secret = path.join(dir, "secret.txt");
fs.writeFileSync(secret, "the host's secret");

let bytewise;
before(async () => {
  bytewise = await openBytewise();
});
after(() => {
  bytewise.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cliRun = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

// Python that finds Pyodide's JS objects without importing anything Bytewise refuses: the
// import hook's table of JS modules is reachable from the heap.
const FIND_JS = `
import gc, os
mods = {m.__name__: m for m in gc.get_objects() if type(m).__name__ == 'module'}
proxies = mods['_pyodide._importhook'].jsfinder.jsproxies
pj, js = proxies['pyodide_js'], proxies['js']
to_js = mods['pyodide.ffi'].to_js
def attempt(label, action):
    try:
        print(label, 'DID', repr(action())[:80])
    except BaseException as e:
        print(label, 'refused', type(e).__name__)
`;

describe("the host is out of reach", () => {
  for (const module of ["js", "pyodide_js", "pyodide", "pyodide.ffi", "pyodide.code", "_pyodide", "ctypes"]) {
    test(`import ${module} is refused with the reason`, async () => {
      const report = await bytewise.measure(`import ${module}`);
      assert.equal(report.error?.type, "ImportError");
      assert.match(report.error.message, /not available in Bytewise's sandbox/);
    });
  }

  test("Pyodide's objects found on the heap reach no host file, process or code generation", async () => {
    const here = dir.replace(/\\/g, "/");
    const report = await bytewise.measure(
      `${FIND_JS}
print('js has', sorted(js.object_keys()))
def mount():
    pj.FS.mkdirTree('/mnt/host')
    options = to_js({'root': '${here}'}, dict_converter=pj.FS.filesystems.constructor.fromEntries)
    pj.FS.mount(pj.FS.filesystems.NODEFS, options, '/mnt/host')
    return os.listdir('/mnt/host')
attempt('mount', mount)
attempt('read', lambda: open('/mnt/host/secret.txt').read())
attempt('write', lambda: open('/mnt/host/written.txt', 'w').write('x'))
attempt('eval', lambda: pj.constructor.constructor('return process')())
attempt('run_js', lambda: mods['pyodide.code'].run_js('1'))
attempt('process', lambda: pj._module.process.getBuiltinModule('fs'))
`,
      { timeLimit: 20 },
    );
    assert.equal(report.error, null, report.error?.traceback);
    const lines = report.stdout.trim().split("\n");
    assert.equal(lines[0], "js has []");
    // A write may land in Pyodide's in-memory file system, never on the host.
    for (const line of lines.slice(1)) assert.match(line, /^(\w+ refused \w+|write DID 1)$/, line);
    assert.ok(!report.stdout.includes("the host's secret"));
    assert.deepEqual(fs.readdirSync(dir), ["secret.txt"]);
  });

  test("no network: Pyodide's package loader, urllib and sockets send nothing", async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests += 1;
      res.end("print('downloaded')");
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    try {
      const report = await bytewise.measure(
        `${FIND_JS}
import socket, urllib.request
attempt('urllib', lambda: urllib.request.urlopen('http://127.0.0.1:${port}/a', timeout=2).read())
attempt('socket', lambda: socket.create_connection(('127.0.0.1', ${port}), timeout=2))
pj.loadPackage('http://127.0.0.1:${port}/b.whl')
print('asked')
`,
        { timeLimit: 20 },
      );
      assert.equal(report.error, null, report.error?.traceback);
      assert.match(report.stdout, /^urllib refused URLError\nsocket refused OSError\nasked\n$/);
      // The loader's request would be asynchronous: give it time, with another run.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await bytewise.measure("print(1)")).stdout, "1\n");
      assert.equal(requests, 0);
    } finally {
      server.close();
    }
  });

  test("explain and size cannot delete or write a host file", () => {
    const target = path.join(dir, "secret.txt").replace(/\\/g, "/");
    const written = path.join(dir, "from-size.txt").replace(/\\/g, "/");
    const explain = cliRun("explain", `__import__('js').process.getBuiltinModule('fs').unlinkSync('${target}')`, "16");
    assert.equal(explain.status, 1, explain.stdout);
    assert.match(explain.stderr, /ImportError|not available in Bytewise's sandbox/);
    const size = cliRun(
      "size",
      `[m for m in __import__('gc').get_objects() if type(m).__name__ == 'module' and m.__name__ == '_pyodide._importhook'][0].jsfinder.jsproxies['js'].process.getBuiltinModule('fs').writeFileSync('${written}', 'x')`,
    );
    assert.equal(size.status, 1, size.stdout);
    assert.deepEqual(fs.readdirSync(dir), ["secret.txt"]);
    assert.equal(fs.readFileSync(secret, "utf8"), "the host's secret");
  });

  test("a lesson whose code writes a host file fails lessons check, and writes nothing", () => {
    const written = path.join(dir, "from-lesson.txt").replace(/\\/g, "/");
    const lesson = path.join(dir, "hostile.md");
    fs.writeFileSync(
      lesson,
      [
        "---",
        "title: Hostile",
        "order: 1",
        "concepts: [x]",
        "level: beginner",
        "---",
        "",
        "```python",
        `__import__('js').process.getBuiltinModule('fs').writeFileSync('${written}', 'x')`,
        "```",
        "",
      ].join("\n"),
    );
    const result = cliRun("lessons", "check", lesson);
    fs.rmSync(lesson);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /hostile\.md:8: the code block raised ImportError/);
    assert.deepEqual(fs.readdirSync(dir), ["secret.txt"]);
  });
});

describe("the capture runs none of the program's code", () => {
  test("its tracer, profiler, monitoring, gc callbacks, metaclass hooks and exception text stay silent", async () => {
    const report = await bytewise.measure(
      [
        "import gc, sys",
        "done = [False]",
        "def capturing():",
        "    # Whether the probe's code is on the stack: the program's time is over then.",
        "    f = sys._getframe(1)",
        "    while f is not None:",
        "        if any(p in f.f_code.co_filename for p in ('probe.py', 'edges.py', 'shapes.py')):",
        "            return True",
        "        f = f.f_back",
        "    return False",
        "def tracer(frame, event, arg):",
        "    if capturing():",
        "        print('TRACED', frame.f_code.co_name)",
        "    return tracer",
        "def profiler(frame, event, arg):",
        "    if capturing():",
        "        print('PROFILED', frame.f_code.co_name)",
        "m = sys.monitoring",
        "m.use_tool_id(4, 'spy')",
        "def started(code, offset):",
        "    if capturing():",
        "        print('MONITORED', code.co_name)",
        "m.register_callback(4, m.events.PY_START, started)",
        "m.set_events(4, m.events.PY_START | m.events.CALL)",
        "m.register_callback(4, m.events.CALL, lambda *a: capturing() and print('CALL'))",
        "gc.callbacks.append(lambda phase, info: capturing() and print('GC CALLBACK'))",
        "class Meta(type):",
        "    def __getattribute__(cls, name):",
        "        if done[0]:",
        "            print('META', name)",
        "        return type.__getattribute__(cls, name)",
        "class K(metaclass=Meta):",
        "    pass",
        "class E(Exception):",
        "    __module__ = 'builtins'",
        "    def __str__(self):",
        "        print('STR')",
        "        return 'e'",
        "x = [K(), E(), K, [float(i) for i in range(2000)]]",
        "sys.settrace(tracer)",
        "sys.setprofile(profiler)",
        "done[0] = True",
      ].join("\n"),
    );
    assert.equal(report.error, null, report.error?.traceback);
    assert.equal(report.stdout, "");
    assert.ok(report.roots.some((r) => r.name === "x" && r.objects > 2000));
  });
});

describe("time limit", () => {
  test("a loop is stopped at the limit with what it printed, and the next run works", async () => {
    const started = performance.now();
    const report = await bytewise.measure("print('before')\nwhile True:\n    pass", { timeLimit: 1 });
    assert.ok(performance.now() - started < 8_000);
    assert.equal(report.stdout, "before\n");
    assert.deepEqual(
      report.diagnostics.map((d) => d.code),
      ["run.time_limit"],
    );
    assert.match(report.diagnostics[0].message, /time limit of 1 s/);
    assert.equal((await bytewise.measure("x = 1\nprint(x)")).stdout, "1\n");
  });

  test("the CLI's measure exits 1 at its --time-limit", () => {
    const file = path.join(dir, "loop.py");
    fs.writeFileSync(file, "while True:\n    pass\n");
    const result = cliRun("measure", file, "--time-limit", "1");
    fs.rmSync(file);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /still running after the time limit of 1 s/);
  });

  test("the CLI's measure of a program that crashes Python exits 1 with one line of explanation", () => {
    const file = path.join(dir, "crash.py");
    fs.writeFileSync(file, "class R:\n    def __repr__(self):\n        return repr(self)\nrepr(R())\n");
    const result = cliRun("measure", file);
    fs.rmSync(file);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bytewise: Python crashed \(Maximum call stack size exceeded\); a fresh one runs/m);
    assert.ok(!result.stderr.includes("Pyodide has suffered a fatal error"), result.stderr.slice(0, 300));
    assert.ok(result.stdout.length + result.stderr.length < 10_000, "no dump of minified code");
  });

  test("lessons check reports an exercise that never ends, at its --time-limit", () => {
    const lesson = path.join(dir, "forever.md");
    fs.writeFileSync(
      lesson,
      [
        "---",
        "title: Forever",
        "order: 1",
        "concepts: [x]",
        "level: beginner",
        "---",
        "",
        "```exercise",
        "kind: output",
        "prompt: P?",
        "code: |",
        "  while True:",
        "      pass",
        "hint: H",
        "explanation: E",
        "```",
        "",
      ].join("\n"),
    );
    const result = cliRun("lessons", "check", "--time-limit", "1", lesson);
    fs.rmSync(lesson);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /forever\.md:8: exercise: its code was still running after the time limit of 1 s/);
  });
});

/** What an innocent program's report says, without what changes from run to run. */
function fingerprint(report) {
  return {
    error: report.error,
    stdout: report.stdout,
    stderr: report.stderr,
    objects: report.objects,
    roots: report.roots.map((r) => [r.name, r.type, r.shallow, r.deep, r.objects, r.retained]),
  };
}

describe("no run changes the next one", () => {
  const INNOCENT = "import sys\nx = [1, 2, 3]\ny = {'a': 1.5}\nprint(len(x), sys.getsizeof(x))\n";
  let clean;
  before(async () => {
    clean = fingerprint(await bytewise.measure(INNOCENT));
    assert.equal(clean.roots[0][4], 4);
  });

  const ATTACKS = {
    "builtins.id": "import builtins\nbuiltins.id = lambda x: 0",
    "builtins.type, len and isinstance":
      "import builtins\nbuiltins.type = lambda *a: int\nbuiltins.len = lambda x: 0\nbuiltins.isinstance = lambda *a: True",
    "sys.getsizeof": "import sys\nsys.getsizeof = lambda *a: 1",
    "gc.get_referents and gc.is_tracked":
      "import gc\ngc.get_referents = lambda *a: []\ngc.is_tracked = lambda o: False",
    linecache: "import linecache\nlinecache.getline = lambda *a, **k: 'forged'\nlinecache.cache.clear()",
    "sys.settrace and sys.setprofile": "import sys\nsys.settrace(lambda *a: None)\nsys.setprofile(lambda *a: None)",
    "sys.monitoring":
      "import sys\nm = sys.monitoring\nm.use_tool_id(3, 'x')\nm.register_callback(3, m.events.LINE, lambda *a: print('traced'))\nm.set_events(3, m.events.LINE)",
    "sys.stdout and sys.stderr": "import sys\nsys.stdout = open('/dev/null', 'w')\nsys.stderr = sys.stdout",
    print: "import builtins\nbuiltins.print = lambda *a, **k: None",
    "the recursion limit and excepthook": "import sys\nsys.setrecursionlimit(50)\nsys.excepthook = lambda *a: None",
    "tracemalloc left on": "import tracemalloc\ntracemalloc.start(25)",
    "a gc callback": "import gc\ngc.callbacks.append(lambda *a: print('callback'))",
    "the probe's own modules":
      "import sys\nfor name, m in list(sys.modules.items()):\n    if name.startswith('_bytewise'):\n        for k, v in list(vars(m).items()):\n            if callable(v) and not isinstance(v, type):\n                setattr(m, k, lambda *a, **kw: None)",
    "a standard-library module": "import json, collections\njson.dumps = None\ncollections.OrderedDict = dict",
    "a built-in type's attributes": "try:\n    list.append = None\nexcept TypeError:\n    pass",
  };
  for (const [what, code] of Object.entries(ATTACKS)) {
    test(`a program that patches ${what} does not change the next run`, async () => {
      await bytewise.measure(code);
      assert.deepEqual(fingerprint(await bytewise.measure(INNOCENT)), clean);
    });
  }
  test("a program that gives input() another class does not change the next run's input()", async () => {
    // input is the same object after the change (builtins still hold it), so only its class
    // tells: the next run's input() must still say it has no keyboard.
    await bytewise.measure(
      "class Typed:\n    __slots__ = ()\n    def __call__(self, prompt=''):\n        return 'typed'\ninput.__class__ = Typed",
    );
    const report = await bytewise.measure("name = input('Name? ')");
    assert.equal(report.error?.type, "EOFError");
  });

  test("finalizers of a run's objects run before the next run, not inside it", async () => {
    const code = [
      "import gc, time, weakref",
      "class Slow:",
      "    def __del__(self):",
      "        time.sleep(0.3)",
      "a = Slow()",
      "b = Slow()",
      "a.other, b.other = b, a",
      "class Target: pass",
      "t = Target()",
      "f = weakref.finalize(t, time.sleep, 0.3)",
      "gc.callbacks.append(lambda *a: time.sleep(0.3))",
    ].join("\n");
    await bytewise.measure(code);
    const report = await bytewise.measure(INNOCENT, { timeLimit: 1 });
    assert.deepEqual(fingerprint(report), clean);
    assert.ok(report.timings.run_ms < 250, `the innocent run took ${report.timings.run_ms} ms`);
  });

  test("a finalizer that never ends is cut off and the next run starts in a fresh interpreter", async () => {
    await bytewise.measure(
      "class Forever:\n    def __del__(self):\n        while True:\n            pass\nx = Forever()",
    );
    const started = performance.now();
    const report = await bytewise.measure(INNOCENT, { timeLimit: 2 });
    assert.deepEqual(fingerprint(report), clean);
    // 5 s for the finalizer, then a fresh child loads Pyodide (seconds; more on a busy machine).
    assert.ok(performance.now() - started < 45_000);
  });
});

describe("a program that rebinds what measuring uses is measured as if it had not", () => {
  // The same objects, made after the rebinding: every number must be the one measured
  // without it, by each way of capturing (report.capture says which one answered): the heap
  // walker alone; the walker with the probe answering for a deque it does not decode; and
  // the probe for the whole run, where deques nest deeper than the walker's rounds reach.
  const DATA = "x = [1, 2, 'three', 4.5, (6, 7)]\ny = {'k': x, 'n': None}\n";
  const NESTED = "q = collections.deque(x)\nfor _ in range(12):\n    q = collections.deque([q])\n";
  const PROGRAMS = {
    native: { code: DATA, method: "native", by: "heap walker" },
    answered: {
      code: `import collections\n${DATA}q = collections.deque(x)\n`,
      method: "native",
      by: "heap walker with the probe's answers",
    },
    probe: { code: `import collections\n${DATA}${NESTED}`, method: "probe", by: "Python probe" },
  };
  const REBINDINGS = {
    "builtins.id": "import builtins\nbuiltins.id = lambda o: 1\n",
    "builtins.type": "import builtins\nbuiltins.type = lambda *a: int\n",
    "builtins.len": "import builtins\nbuiltins.len = lambda o: 0\n",
    "sys.getsizeof": "import sys\nsys.getsizeof = lambda *a: 1\n",
    "gc.get_referents": "import gc\ngc.get_referents = lambda *a: []\ngc.get_referrers = lambda *a: []\n",
  };
  const numbers = (report) => ({
    method: report.capture.method,
    objects: report.objects,
    references: report.references,
    roots: report.roots.map((r) => [r.name, r.type, r.shallow, r.deep, r.naive, r.objects, r.retained]),
  });
  const clean = {};
  before(async () => {
    for (const [name, { code, method }] of Object.entries(PROGRAMS)) {
      clean[name] = numbers(await bytewise.measure(code));
      assert.equal(clean[name].method, method, `${name}: ${JSON.stringify(clean[name])}`);
    }
  });
  for (const [what, rebind] of Object.entries(REBINDINGS)) {
    for (const [name, { code, by }] of Object.entries(PROGRAMS)) {
      test(`${what} rebound, captured by the ${by}`, async () => {
        const report = await bytewise.measure(rebind + code);
        assert.equal(report.error, null);
        assert.deepEqual(numbers(report), clean[name]);
      });
    }
  }
});
