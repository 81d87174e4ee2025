// What students do to a sandbox, in real Pyodide through measure(): deep recursion, memory
// blow-ups, floods of output, input(), and classes whose methods raise, loop or lie. Each
// case must end with a clear message and an interpreter that still runs the next program.
// (Stopping runaway code needs the page's worker: tests/browser/sandbox.test.mjs.)
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_LINES } from "../../web/measure.js";
import { openInProcess } from "./pyodide-session.mjs";

let bytewise;
let cap;
before(async () => {
  bytewise = await openInProcess();
  cap = bytewise.pyodide.runPython("import _bytewise.runner; _bytewise.runner.RECURSION_LIMIT");
});

/** The interpreter still works: a fresh program runs and prints. */
async function assertAlive() {
  const report = await bytewise.measure("print('still here')");
  assert.equal(report.stdout, "still here\n");
}

describe("recursion", () => {
  // Each way a program recurses, at the deepest the cap allows. An exception unwinding
  // through too many frames kills Pyodide, so passing here is what makes the cap safe.
  const RECURSIONS = {
    "a plain function": "def f(n):\n    return f(n + 1)\nf(0)",
    "a method": "class A:\n    def f(self, n):\n        return self.f(n + 1)\nA().f(0)",
    "a comprehension in each frame": "def g(n):\n    return [g(n + 1) for _ in range(1)]\ng(0)",
    "try/finally in each frame": "def h(n):\n    try:\n        return h(n + 1)\n    finally:\n        pass\nh(0)",
    "an exception handler in each frame":
      "def k(n):\n    try:\n        return k(n + 1)\n    except ZeroDivisionError:\n        pass\nk(0)",
  };
  for (const [name, code] of Object.entries(RECURSIONS)) {
    test(`${name}: RecursionError at the capped limit, and Python lives on`, async () => {
      const report = await bytewise.measure(`import sys\nsys.setrecursionlimit(1_000_000)\n${code}`);
      assert.equal(report.error?.type, "RecursionError", report.error?.traceback);
      assert.match(report.error.hint, /usually a missing base case/);
      assert.ok(
        bytewise.pyodide.runPython("import sys; sys.getrecursionlimit()") <= cap,
        "the limit never passes the cap",
      );
      assert.match(report.stderr, new RegExp(`keeps the recursion limit at ${cap.toLocaleString("en")}`));
      await assertAlive();
    });
  }

  test("recursion 2,900 deep returns its result; 10,000 deep is a RecursionError", async () => {
    const report = await bytewise.measure(
      "import sys\nsys.setrecursionlimit(10**6)\ndef depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nprint(depth(2_900))\nprint(depth(10_000))",
    );
    assert.equal(report.stdout, "2900\n");
    assert.equal(report.error?.type, "RecursionError");
    await assertAlive();
  });

  test("the limit is back to its default at the next run", async () => {
    await bytewise.measure("import sys\nsys.setrecursionlimit(50)");
    const report = await bytewise.measure("import sys\nprint(sys.getrecursionlimit())");
    assert.ok(Number(report.stdout) >= 1000, report.stdout);
  });

  test("a structure nested 100,000 deep is captured and released without recursion", async () => {
    const report = await bytewise.measure("x = []\nfor _ in range(100_000):\n    x = [x]");
    assert.equal(report.error, null);
    assert.equal(report.roots[0].objects, 100_001);
    await bytewise.measure("x = 1"); // releases the previous run's namespace
    await assertAlive();
  });
});

describe("memory", () => {
  test("a list of 10**10 items fails at once with a hint, and the next run works", async () => {
    // A 32-bit Python cannot even express the size: OverflowError, where a 64-bit laptop
    // raises MemoryError.
    const started = performance.now();
    const report = await bytewise.measure("x = [0] * 10**10");
    assert.ok(performance.now() - started < 2000);
    assert.equal(report.error?.type, "OverflowError");
    assert.match(report.error.hint, /This Python is 32-bit/);
    await assertAlive();
  });

  test("a list of 2**29 items is a MemoryError with a hint", async () => {
    const report = await bytewise.measure("x = [0] * 2**29");
    assert.equal(report.error?.type, "MemoryError");
    assert.match(report.error.hint, /more memory than this browser's Python can get/);
    await assertAlive();
  });
});

describe("output", () => {
  test(`a million prints stop at ${OUTPUT_LIMIT_LINES.toLocaleString("en")} lines with a visible note`, async (t) => {
    const started = performance.now();
    const report = await bytewise.measure("for i in range(1_000_000):\n    print(i)\ndone = True");
    const ms = performance.now() - started;
    assert.equal(report.error, null);
    const lines = report.stdout.split("\n");
    assert.equal(lines[OUTPUT_LIMIT_LINES - 1], String(OUTPUT_LIMIT_LINES - 1));
    assert.match(
      lines[OUTPUT_LIMIT_LINES],
      /^\[output truncated: more than 5,000 lines; the program went on running\]$/,
    );
    assert.deepEqual(
      report.roots.map((r) => r.name),
      ["i", "done"],
      "the program ran to its end",
    );
    t.diagnostic(`1,000,000 prints in ${ms.toFixed(0)} ms`);
  });

  test(`one huge line stops at ${OUTPUT_LIMIT_BYTES.toLocaleString("en")} bytes`, async () => {
    const report = await bytewise.measure("print('x' * 10**7)");
    assert.ok(report.stdout.startsWith("x".repeat(1000)));
    assert.ok(report.stdout.length < OUTPUT_LIMIT_BYTES + 200);
    assert.match(report.stdout, /\n\[output truncated: more than 200,000 bytes; the program went on running\]\n$/);
  });

  test("a partial line (print(..., end='')) is output", async () => {
    const report = await bytewise.measure("print('no newline', end='')");
    assert.equal(report.stdout, "no newline");
  });

  test("stdout and stderr are kept in the order printed, partial lines too", async () => {
    const report = await bytewise.measure(
      "import sys\nprint('one')\nprint('two', file=sys.stderr)\nsys.stdout.write('thr')\nsys.stdout.write('ee\\n')\n" +
        "sys.stderr.write('four\\n')\nprint('five')\nsys.stdout.write('six')",
    );
    assert.deepEqual(report.output, [
      { stream: "stdout", text: "one\n" },
      { stream: "stderr", text: "two\n" },
      { stream: "stdout", text: "three\n" },
      { stream: "stderr", text: "four\n" },
      { stream: "stdout", text: "five\nsix" },
    ]);
    assert.equal(report.stdout, "one\nthree\nfive\nsix");
    assert.equal(report.stderr, "two\nfour\n");
  });

  test("input() says why it cannot read, after printing its prompt", async () => {
    const report = await bytewise.measure("name = input('Your name? ')");
    assert.equal(report.error?.type, "EOFError");
    assert.match(report.error.message, /input\(\) has no keyboard to read from here/);
    assert.match(report.error.message, /name = "Ada"/);
    assert.equal(report.stdout, "Your name? ");
    const stdin = await bytewise.measure("import sys\ndata = sys.stdin.read()\nline = sys.stdin.readline()");
    assert.equal(stdin.error, null, "sys.stdin is at its end, not waiting");
    assert.deepEqual(
      stdin.roots.map((r) => [r.name, r.shallow]),
      [
        ["data", 21],
        ["line", 21],
      ],
    );
    await assertAlive();
  });
});

describe("hostile objects", () => {
  const diagnostic = (report, code) => report.diagnostics.find((d) => d.code === code);

  for (const [name, body] of [
    ["raises", "raise RuntimeError('nope')"],
    ["returns -1", "return -1"],
    ["returns 2**60", "return 2**60"],
    ["loops forever", "while True:\n            pass"],
    [
      "switches the tracer off and loops",
      "import sys\n        sys.settrace(None)\n        while True:\n            pass",
    ],
  ]) {
    test(`a __sizeof__ that ${name} is never called; the capture goes on at once`, async () => {
      const started = performance.now();
      const report = await bytewise.measure(
        `class Bad:\n    def __sizeof__(self):\n        ${body}\nbad = [Bad() for _ in range(100)] + [1.5]`,
      );
      assert.ok(performance.now() - started < 3000, "no time spent in the program's code");
      assert.equal(report.ok, true, JSON.stringify(report.error));
      const d = diagnostic(report, "probe.own_sizeof");
      assert.ok(d, JSON.stringify(report.diagnostics));
      assert.equal(d.object.type, "Bad");
      assert.equal(report.roots.find((r) => r.name === "bad").objects, 102);
    });
  }

  test("__repr__, __eq__, __hash__ and __getattr__ that raise or loop are never called", async () => {
    const code = [
      "class Nasty:",
      "    def __repr__(self): raise RuntimeError('repr')",
      "    def __str__(self):\n        while True: pass",
      "    def __eq__(self, other): raise RuntimeError('eq')",
      "    def __hash__(self):\n        while True: pass",
      "    def __getattr__(self, name):\n        while True: pass",
      "    def __getattribute__(self, name): raise RuntimeError('getattribute')",
      "n = Nasty()",
      "holder = {'n': n, 'again': [n, n]}",
    ].join("\n");
    const started = performance.now();
    const report = await bytewise.measure(code);
    assert.ok(performance.now() - started < 3000);
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.roots.find((r) => r.name === "holder").objects, 4 + 1); // dict, 2 keys, list, n
  });

  test("an exception whose __str__ loops is reported by type, without calling it", async () => {
    const report = await bytewise.measure(
      "class Odd(Exception):\n    def __str__(self):\n        while True: pass\nraise Odd('x')",
    );
    assert.equal(report.error.type, "Odd");
    assert.match(report.error.traceback, /line 4, in <module>\n.*\nOdd: x\n$/s);
    await assertAlive();
  });

  test("an exception holding an object whose __repr__ loops names the object by type", async () => {
    const report = await bytewise.measure(
      "class Key:\n    def __repr__(self):\n        while True: pass\n    __str__ = __repr__\n" +
        "try:\n    {}[Key()]\nexcept KeyError as e:\n    raise ValueError('lookup failed') from e",
    );
    assert.equal(report.error.type, "ValueError");
    assert.match(
      report.error.traceback,
      /KeyError: <Key object>\n\nThe above exception was the direct cause of the following exception:\n\nTraceback/,
    );
    assert.match(report.error.traceback, /ValueError: lookup failed\n$/);
  });

  test("a list of 10 million items past the object cap is captured with truncation, not a hang", async (t) => {
    // The default cap (12,000,000 objects) takes the benchmark's seconds; a small one is cut
    // the same way.
    const started = performance.now();
    const report = await bytewise.measure("big = list(range(10_000_000))", { objectCap: 200_000 });
    const ms = performance.now() - started;
    assert.equal(report.truncated, true);
    assert.equal(report.objects, 200_000);
    assert.equal(report.roots[0].lower_bound, true);
    assert.ok(ms < 20_000, `${ms.toFixed(0)} ms`);
    t.diagnostic(`10,000,000 items: ${ms.toFixed(0)} ms`);
    await bytewise.measure("x = 1");
  });
});
