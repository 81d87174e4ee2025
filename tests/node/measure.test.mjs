// Layer (c): real Pyodide + the core wasm together. For each program, the sizes the core
// reports from the probe's snapshot must equal what the same interpreter says directly:
// sys.getsizeof for shallow, and an independent Python walk (reference_sizes.py) for deep.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BytewiseError, QUIET_RUN } from "../../web/analyser.js";
import { openSession } from "./pyodide-session.mjs";
import { loadCorpus } from "../corpus/corpus.mjs";

let session;
before(async () => {
  session = await openSession();
});
after(() => {
  session?.pyodide.runPython("import gc; gc.collect()");
});

/** The public report of snapshot bytes captured outside a run. */
function reportOf(bytes, options = {}) {
  return session.analyser.report({ snapshot: bytes, facts: QUIET_RUN }, options);
}

/**
 * Runs `code`, captures its globals, and measures them independently in the same
 * interpreter, on the same objects.
 */
function measure(code) {
  const { pyodide } = session;
  const fn = pyodide.runPython(`
import json, reference_sizes
from _bytewise import probe, runner
def _measure(code):
    namespace, error = runner.run_program(code)  # a program that raises keeps what it made
    roots = probe.user_names(namespace)
    return probe.capture(roots, 5_000_000, None, 5_000_000), json.dumps(reference_sizes.measure(roots))
_measure`);
  const result = fn(code);
  fn.destroy();
  const bytes = result.get(0).toJs();
  const reference = JSON.parse(result.get(1));
  result.destroy();
  const report = reportOf(bytes);
  assert.equal(report.ok, true, JSON.stringify(report.diagnostics));
  return { report, reference };
}

function assertMatchesReference({ report, reference }) {
  const names = report.roots.map((r) => r.name);
  assert.deepEqual(
    names,
    Object.keys(reference).filter((k) => k !== "__total__"),
  );
  for (const root of report.roots) {
    const [shallow, deep, objects, naive] = reference[root.name];
    assert.equal(root.shallow, shallow, `shallow size of ${root.name}`);
    assert.equal(root.deep, deep, `deep size of ${root.name}`);
    assert.equal(root.objects, objects, `object count of ${root.name}`);
    assert.equal(root.naive, naive, `naive size of ${root.name}`);
    assert.ok(root.retained <= root.deep, `retained of ${root.name} is part of its deep size`);
  }
  assert.deepEqual([report.total.deep, report.total.objects], reference.__total__, "root-set total");
}

// The corpus's programs that take default options (tests/corpus/*.py; the golden test
// checks their whole reports, this one their sizes against an independent walk).
// Left out: a class with its own __sizeof__, where Bytewise deliberately differs from
// sys.getsizeof (it never runs the program's code; tests/node/api.test.mjs checks that rule).
const PROGRAMS = Object.fromEntries(
  loadCorpus()
    .filter((p) => Object.keys(p.options).length === 0 && !p.code.includes("def __sizeof__"))
    .map((p) => [p.name, p.code]),
);

describe("sizes reported by the core equal the interpreter's own", () => {
  for (const [title, code] of Object.entries(PROGRAMS)) {
    test(title, async () => assertMatchesReference(measure(code)));
  }
});

describe("the issue's own example", () => {
  test("x = [1, 2, 3] is 44 bytes shallow on Pyodide 314 and matches sys.getsizeof", async () => {
    const { report, reference } = measure("x = [1, 2, 3]");
    const x = report.roots.find((r) => r.name === "x");
    assert.equal(x.shallow, 44);
    assert.equal(x.shallow, reference.x[0]);
    // Three small ints of 16 bytes each hang off the list.
    assert.equal(x.deep, 44 + 3 * 16);
    assert.equal(x.objects, 4);
  });
});

describe("the snapshot names its platform, measured live", () => {
  test("pointer size, version and small-int range", async () => {
    const { report } = measure("x = 1");
    const version = session.pyodide.runPython("import sys; '%d.%d.%d' % sys.version_info[:3]");
    assert.equal(report.platform.python, version);
    assert.equal(report.platform.pointer_size, 4);
    assert.equal(report.platform.pyodide, session.pyodide.version);
    assert.equal(report.platform.machine, "emscripten-wasm32");
    assert.equal(report.platform.description, `CPython ${version}, 32-bit wasm (Pyodide ${session.pyodide.version})`);
    assert.deepEqual(report.platform.small_int_range, [-5, 256]);
    assert.equal(report.truncated, false);
  });
});

describe("running user code", () => {
  test("a failing program reports its own traceback and is still captured", async () => {
    const result = session.run("x = [1, 2]\ny = 1 / 0\n");
    const { error } = result.facts;
    assert.match(error.traceback, /File "main\.py", line 2, in <module>/);
    assert.match(error.traceback, /ZeroDivisionError: division by zero/);
    assert.doesNotMatch(error.traceback, /_bytewise|runner\.py/);
    const report = reportOf(result.snapshot);
    assert.deepEqual(
      report.roots.map((r) => r.name),
      ["x"],
    );
  });

  test("a syntax error names the line", async () => {
    const { error } = session.run("x = [1, 2\n").facts;
    assert.match(error.traceback, /SyntaxError/);
    assert.match(error.traceback, /line 1/);
  });

  test("imported modules and dunder names are not variables", async () => {
    const report = reportOf(session.run("import sys, os\nfrom math import pi\nvalue = pi\n").snapshot);
    assert.deepEqual(
      report.roots.map((r) => r.name),
      ["pi", "value"],
    );
  });

  test("the object cap truncates visibly", async () => {
    const fn = session.pyodide.runPython(
      "from _bytewise import probe\nlambda: probe.capture({'xs': [float(i) for i in range(1000)]}, 100, None, 10_000)",
    );
    const bytes = fn().toJs();
    fn.destroy();
    const report = reportOf(bytes);
    assert.equal(report.truncated, true);
    assert.equal(report.object_cap, 100);
    assert.equal(report.objects, 100);
  });
});

describe("the core rejects bad input from JS with a diagnostic", () => {
  test("bytes that are not a snapshot", async () => {
    const report = reportOf(new Uint8Array([1, 2, 3]));
    assert.equal(report.ok, false);
    assert.equal(report.platform, null);
    assert.equal(report.diagnostics[0].code, "snapshot.too_short");
  });

  test("an argument that is not a Uint8Array", async () => {
    assert.throws(
      () => reportOf("BYTEWISE"),
      (err) => err instanceof BytewiseError && err.code === "api.bad_argument" && /got string/.test(err.message),
    );
  });

  test("a snapshot cut short", async () => {
    const result = session.run("x = [1, 2, 3]");
    const report = reportOf(result.snapshot.subarray(0, result.snapshot.length - 40));
    assert.equal(report.ok, false);
    assert.ok(report.diagnostics.length >= 1);
    for (const d of report.diagnostics) assert.ok(d.message.length > 10, d.code);
  });
});

describe("analysis options and derived sizes", () => {
  test("unknown or ill-typed options are reported, not ignored", async () => {
    const result = session.run("x = 1");
    const unknown = reportOf(result.snapshot, { followTypos: true });
    assert.equal(unknown.ok, false);
    assert.equal(unknown.diagnostics[0].code, "api.unknown_option");
    assert.match(unknown.diagnostics[0].message, /followTypos/);
    const wrong = reportOf(result.snapshot, { topN: -1 });
    assert.equal(wrong.diagnostics[0].code, "api.bad_option");
    assert.throws(() => session.analyser.check({ topN: -1 }), /Option topN must be a whole number from 0 to 10,000/);
  });

  test("leaving out interpreter-shared objects drops cached small ints", async () => {
    const result = session.run("x = [1, 2, 3]");
    const report = reportOf(result.snapshot, { includeInterpreterShared: false });
    const x = report.roots.find((r) => r.name === "x");
    assert.equal(x.deep, x.shallow);
    assert.equal(report.policy.include_interpreter_shared, false);
  });

  test("retained size: two names for one list retain nothing each", async () => {
    const report = reportOf(session.run("a = [0.5, 1.5]\nb = a\nc = [2.5]").snapshot);
    const byName = Object.fromEntries(report.roots.map((r) => [r.name, r]));
    assert.equal(byName.a.retained, 0);
    assert.equal(byName.b.retained, 0);
    assert.equal(byName.c.retained, byName.c.deep);
  });

  test("the naive sum double counts a shared string, and the report lists it", async () => {
    const report = reportOf(session.run('s = "x" * 100\nwords = [s] * 4').snapshot);
    const words = report.roots.find((r) => r.name === "words");
    const sSize = report.roots.find((r) => r.name === "s").shallow;
    assert.equal(words.naive - words.deep, 3 * sSize);
    const repeated = report.repeated.find((r) => r.type === "str");
    assert.equal(repeated.times, 5, "four slots and the variable s");
  });
});

describe("diff of two captures of one program", () => {
  test("names what appeared, grew and was freed between them", async () => {
    const { pyodide } = session;
    const fn = pyodide.runPython(`
from _bytewise import probe, runner
def _two_captures():
    ns, error = runner.run_program("xs = [0.5]\\ngone = {'k': 1.5}\\n")
    before = probe.capture_namespace(ns, 10_000, None, 10_000)
    exec("xs.extend(float(k) for k in range(20))\\ndel gone\\n", ns)
    after = probe.capture_namespace(ns, 10_000, None, 10_000)
    return before, after
_two_captures`);
    const result = fn();
    fn.destroy();
    const before = result.get(0).toJs();
    const after = result.get(1).toJs();
    result.destroy();
    const d = session.analyser.diff(before, after);
    assert.equal(d.ok, true, JSON.stringify(d.errors));
    assert.equal(d.appeared.objects, 20, "twenty new floats");
    assert.equal(d.appeared.bytes, 20 * 16);
    assert.equal(d.grew.objects, 1, "the list grew");
    assert.ok(d.grew.bytes > 0);
    assert.ok(d.freed.objects >= 2, "the dict and its float");
    const list = d.largest.find((c) => c.type === "list");
    assert.equal(list.kind, "grew");
    assert.equal(list.afterBytes - list.beforeBytes, d.grew.bytes);
  });

  test("a bad snapshot is named", async () => {
    const good = session.run("x = 1").snapshot;
    const d = session.analyser.diff(good, new Uint8Array(4));
    assert.equal(d.ok, false);
    assert.match(d.errors[0].message, /^In the after snapshot: /);
  });
});
