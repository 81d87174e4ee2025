// trace(): a program recorded at each line of its own code, checked step by step against
// an independent trace in the same Pyodide (tests/node/reference_trace.py: sys.settrace's
// line events, and every variable sized by reference_sizes.py's walk, not by the probe and
// the core); the report against its schema; and programs that never end, flood output or
// recurse past the limit.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { openBytewise } from "../../web/node-api.js";
import { openInProcess } from "./pyodide-session.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const schema = JSON.parse(fs.readFileSync(path.join(root, "docs", "trace-report.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const PROGRAMS = {
  "a loop": "total = 0\nfor i in range(4):\n    total += i\n",
  "nested calls":
    "def inner(x):\n    y = x * 2\n    return y\ndef outer(a):\n    b = inner(a) + 1\n    return b\nr = outer(5)\n",
  "recursion 50 deep": "def down(n):\n    if n == 0:\n        return 0\n    return 1 + down(n - 1)\ndepth = down(50)\n",
  "a generator":
    "def gen(n):\n    for i in range(n):\n        yield [i] * i\ng = gen(3)\nfirst = next(g)\nsecond = next(g)\n",
  "a dict of lists":
    "groups = {}\nfor word in ['ab', 'cd', 'abc']:\n    groups.setdefault(len(word), []).append(word)\n",
  "a closure":
    "def counter():\n    count = 0\n    def step():\n        nonlocal count\n        count += 1\n        return count\n    return step\nc = counter()\na = c()\nb = c()\n",
  "an exception caught":
    "try:\n    x = 1 / 0\nexcept ZeroDivisionError as e:\n    message = str(e)\nafter = [message]\n",
  "an exception uncaught": "data = [1, 2, 3]\nbad = data[10]\nnever = 1\n",
  "del of one of two names": "a = [1.5] * 100\nb = a\ndel a\nb = None\n",
  "list growth by append": "xs = []\nfor i in range(10):\n    xs.append(i)\n",
  "dict growth": "d = {}\nfor i in range(8):\n    d[str(i)] = i * 1.5\n",
  "string building": "s = ''\nfor word in ['memory', 'is', 'not', 'free']:\n    s += word + ' '\n",
  "functions returning tuples":
    "def pair(n):\n    half = n / 2\n    return (n, half)\np = pair(3)\nq = pair(p[0] + 1)\n",
  "a countdown": "n = 3\nseen = []\nwhile n > 0:\n    seen.append(n)\n    n -= 1\n",
  "a while loop with del": "stack = [list(range(5))]\nwhile stack:\n    top = stack.pop()\n    del top\ndone = True\n",
  "tuples and sets": "t = (1, 'two', 3.0)\ns = set(t)\ns.add(4)\nf = frozenset(s)\n",
};

let bytewise;
before(async () => {
  bytewise = await openInProcess();
  bytewise.pyodide.runPython("import reference_trace");
});

/** The oracle's steps: [line, [[function, line, [[name, shallow, deep, objects]]]]]. */
function oracle(code) {
  const proxy = bytewise.pyodide.runPython(`import json; json.dumps(reference_trace.trace(${JSON.stringify(code)}))`);
  return JSON.parse(proxy);
}

/** The report's steps in the oracle's shape. */
function shaped(report) {
  return report.steps.map((s) => [
    s.line,
    s.frames.map((f) => [f.function, f.line, f.variables.map((v) => [v.name, v.shallow, v.deep, v.objects])]),
  ]);
}

describe("each step is the independent trace's", () => {
  for (const [name, code] of Object.entries(PROGRAMS)) {
    test(name, async () => {
      const report = await bytewise.trace(code);
      assert.ok(validate(report), JSON.stringify(validate.errors));
      assert.deepEqual(report.diagnostics, []);
      assert.equal(report.truncated, false);
      assert.deepEqual(shaped(report), oracle(code));
    });
  }
});

// The report of a trace whose steps were captured as `walk` says (the heap walker, reading
// only the pages of the heap it needs, or the Python probe), without what differs from run
// to run: timings, ids (addresses), and tracemalloc's figures, since the probe's captures
// keep a few kilobytes of their own allocated (its caches), which tracemalloc counts in
// the steps after, where the walker's keep none.
function traceCapturedBy(code, walk) {
  const probe = bytewise.analyser.check({});
  bytewise.runner.prepare();
  const run = bytewise.runner.trace(code, probe, { stepCap: probe.step_cap, walk });
  const report = bytewise.analyser.trace(run.steps, code, run.facts, {}, { truncated: run.truncated, stopped: [] });
  const untimed = JSON.parse(JSON.stringify(report), (key, value) =>
    key === "run_ms" || key === "id" || key.startsWith("traced_") ? undefined : value,
  );
  return {
    report: untimed,
    walked: run.walked,
    steps: run.steps.length,
    traced: report.steps.map((s) => s.traced_current),
  };
}

describe("each step is captured by the heap walker, as the probe would", () => {
  for (const name of ["a loop", "nested calls", "a generator", "a closure", "an exception caught", "dict growth"]) {
    test(name, () => {
      const walked = traceCapturedBy(PROGRAMS[name], true);
      const probed = traceCapturedBy(PROGRAMS[name], false);
      assert.equal(probed.walked, 0);
      assert.equal(walked.walked, walked.steps, "every step walked");
      assert.deepEqual(walked.report, probed.report);
    });
  }

  test("tracemalloc's figures count none of the walker's own memory", () => {
    traceCapturedBy("x = 1\n", true); // the interpreter's first recording sets sys.monitoring up
    const { traced } = traceCapturedBy("total = 0\nfor i in range(4):\n    total += i\n", true);
    // The program allocates only its loop's iterator (small ints are the interpreter's):
    // after the first steps the figure stands still while the loop runs.
    assert.ok(traced[0] < 1000, `step 0: ${traced[0]} B`);
    assert.equal(new Set(traced.slice(3, -1)).size, 1, traced.join(", "));
  });
});

describe("what the trace says", () => {
  test("the module frame comes first, the innermost call last, each at its own line", async () => {
    const report = await bytewise.trace(PROGRAMS["nested calls"]);
    const deepest = report.steps.find((s) => s.frames.length === 3);
    assert.deepEqual(
      deepest.frames.map((f) => [f.function, f.line]),
      [
        ["<module>", 7],
        ["outer", 5],
        ["inner", 2],
      ],
    );
    assert.equal(deepest.line, 2);
    assert.equal(report.steps.at(-1).line, null, "the final step: the program has ended");
  });

  test("memory by line: a list's growth is charged to the append line, and del of one of two names frees nothing", async () => {
    const growth = await bytewise.trace(PROGRAMS["list growth by append"]);
    const append = growth.lines.find((l) => l.line === 3);
    assert.equal(append.occurrences, 10);
    assert.equal(append.text, "    xs.append(i)");
    const xs = growth.steps.at(-1).frames[0].variables.find((v) => v.name === "xs");
    assert.equal(append.memory_after, growth.steps.at(-1).total.deep);
    assert.ok(xs.shallow > 28);
    const del = await bytewise.trace(PROGRAMS["del of one of two names"]);
    const [, , , afterDel, afterNone] = del.steps;
    assert.equal(afterDel.changes.freed.objects, 0, "del a: b still holds the list");
    assert.equal(afterNone.changes.freed.objects, 2, "b = None lets go of the list and its one float");
    assert.equal(del.lines.find((l) => l.line === 3).increment, 0);
  });

  test("each step carries what was printed since the step before, and marks new and changed variables", async () => {
    const report = await bytewise.trace("xs = []\nprint('a', end='')\nxs.append(1)\nprint('b')\n");
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.deepEqual(
      report.steps.map((s) => s.output.map((c) => c.text).join("")),
      ["", "", "a", "", "b\n"],
    );
    const xs = report.steps.map((s) => s.frames[0].variables.find((v) => v.name === "xs")?.status ?? null);
    assert.deepEqual(xs, [null, "new", "same", "changed", "same"]);
  });

  test("an uncaught exception ends the recording with a final step, and the report names the error", async () => {
    const report = await bytewise.trace(PROGRAMS["an exception uncaught"]);
    assert.equal(report.error.type, "IndexError");
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.steps.map((s) => s.line),
      [1, 2, null],
    );
  });

  test("the step cap stops recording, visibly, and the program runs on to its end", async () => {
    const report = await bytewise.trace("n = 0\nfor i in range(1000):\n    n += 1\nprint('ended', n)\n", {
      stepCap: 25,
    });
    assert.equal(report.truncated, true);
    assert.equal(report.step_cap, 25);
    assert.equal(report.steps.length, 26, "25 steps, then the final one");
    assert.equal(report.stdout, "ended 1000\n");
    const final = report.steps.at(-1).frames[0].variables.find((v) => v.name === "n");
    assert.equal(final.shallow, 16);
  });

  test("recording runs none of the program's code: a __repr__ that raises is never called", async () => {
    const code =
      "class Loud:\n    def __repr__(self):\n        raise RuntimeError('called')\n    def __eq__(self, other):\n        raise RuntimeError('called')\nx = Loud()\ny = [x]\n";
    const report = await bytewise.trace(code);
    assert.equal(report.error, null);
    assert.equal(report.steps.at(-1).frames[0].variables.length, 3);
  });
});

describe("programs that never end, flood or recurse too deep", () => {
  let isolated;
  before(async () => {
    isolated = await openBytewise();
  });
  after(() => isolated?.close());

  test("a loop that never ends: the step cap and the time limit both stop it, and the steps stay", async () => {
    const report = await isolated.trace("x = 0\nwhile True:\n    x += 1\n", { stepCap: 40, timeLimit: 3 });
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.equal(report.steps.length, 40);
    assert.equal(report.diagnostics[0].code, "run.time_limit");
    assert.equal(report.lines.find((l) => l.line === 3).occurrences, 19);
    const again = await isolated.trace("y = 1\n");
    assert.equal(again.ok, true, "the next trace runs in a fresh Python");
  });

  test("a flood of output is capped as in measure(), and the trace is kept", async () => {
    const report = await isolated.trace("for i in range(20000):\n    print(i)\n", { stepCap: 100 });
    assert.match(report.stdout, /\[output truncated: more than 5,000 lines/);
    assert.equal(report.steps.length, 101);
    assert.equal(report.truncated, true);
  });

  test("recursion past the limit is a RecursionError, with the steps recorded", async () => {
    const report = await isolated.trace("def f(n):\n    return f(n + 1)\nf(0)\n", { stepCap: 120 });
    assert.equal(report.error?.type, "RecursionError", JSON.stringify(report.diagnostics));
    assert.equal(report.steps.length, 121);
    assert.equal(
      report.steps[100].frames.length,
      100,
      "the module frame and 99 calls (steps 0 and 1 are the module's)",
    );
  });
});
