// The measurement API (web/measure.js) and the CLI (bin/bytewise.mjs): reports follow the
// JSON Schema, options are checked, and misuse gets a clear message.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, test } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import { BytewiseError } from "../../web/measure.js";
import { openBytewise } from "../../web/node-api.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PYODIDE_VERSION = JSON.parse(
  fs.readFileSync(path.join(root, "node_modules", "pyodide", "package.json"), "utf8"),
).version;
const schema = JSON.parse(fs.readFileSync(path.join(root, "docs", "measure-report.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function assertValid(report) {
  const ok = validate(report);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

let bytewise;
before(async () => {
  bytewise = await openBytewise();
});

describe("measure()", () => {
  test("returns a report that follows the schema, with the fields the issue names", async () => {
    const report = await bytewise.measure('import sys\nx = [1, 2, 3]\ns = "hi"\nprint(sys.getsizeof(x))');
    assertValid(report);
    assert.equal(report.ok, true);
    assert.equal(report.stdout, "44\n");
    assert.deepEqual(report.platform.small_int_range, [-5, 256]);
    assert.equal(report.platform.pointer_size, 4);
    assert.equal(report.platform.pyodide, PYODIDE_VERSION);
    const x = report.roots.find((r) => r.name === "x");
    for (const key of ["name", "type", "id", "shallow", "deep", "naive", "retained", "objects"]) {
      assert.ok(key in x, key);
    }
    assert.equal(x.shallow, 44);
    assert.equal(report.truncated, false);
    assert.deepEqual(report.diagnostics, []);
  });

  test("a program that raises comes back as a report with its traceback", async () => {
    const report = await bytewise.measure("items = [1, 2]\nitems[5]\n");
    assertValid(report);
    assert.equal(report.ok, false);
    assert.equal(report.error.type, "IndexError");
    assert.match(report.error.traceback, /File "main\.py", line 2, in <module>/);
    assert.deepEqual(
      report.roots.map((r) => r.name),
      ["items"],
    );
  });

  test("named root expressions replace the globals", async () => {
    const report = await bytewise.measure(
      "class C:\n    def __init__(self):\n        self.cache = [1.5] * 10\nc = C()",
      {
        roots: ["c.cache", "len(c.cache)", "nope"],
      },
    );
    assertValid(report);
    assert.deepEqual(
      report.roots.map((r) => r.name),
      ["c.cache", "len(c.cache)"],
    );
    assert.equal(report.diagnostics[0].code, "probe.root_failed");
    assert.match(report.diagnostics[0].message, /'nope' raised NameError/);
  });

  test("each variable's refcount counts the references the program holds, not the probe's", async () => {
    const report = await bytewise.measure(
      'import sys\na = [float("1.5")]\nb = a\nc = {"k": a}\nt = (a, a)\n' +
        "print(sys.getrefcount(a) - 1, sys.getrefcount(c) - 1)\ndel sys",
    );
    assertValid(report);
    const refcount = Object.fromEntries(report.roots.map((r) => [r.name, r.refcount]));
    // a: the names a and b, the dict's value, the tuple's two items.
    assert.deepEqual(refcount, { a: 5, b: 5, c: 1, t: 1 });
    const [inProgramA, inProgramC] = report.stdout.trim().split(" ").map(Number);
    assert.equal(refcount.a, inProgramA, "sys.getrefcount(a) less its own argument");
    assert.equal(refcount.c, inProgramC);
    const immortal = await bytewise.measure("n = None\nk = 7");
    assert.deepEqual(
      immortal.roots.map((r) => r.refcount),
      [undefined, undefined],
      "immortal objects have no count",
    );
  });

  test("tracemalloc attributes memory to the user's own lines and regions", async () => {
    const code = [
      "import bytewise", // 1
      "keep = []", // 2
      "def grow(n):", // 3
      "    return [float(i) for i in range(n)]", // 4
      "with bytewise.region('build'):", // 5
      "    keep.append(grow(5000))", // 6
      "    temp = bytes(100_000)", // 7
      "    del temp", // 8
    ].join("\n");
    const report = await bytewise.measure(code, { tracemalloc: true });
    assertValid(report);
    const t = report.tracemalloc;
    assert.equal(t.top_lines[0].line, 4, JSON.stringify(t.top_lines));
    assert.match(t.top_lines[0].text, /float\(i\)/);
    assert.ok(t.top_lines[0].bytes >= 5000 * 16, "5,000 floats of 16 bytes");
    // The bytes object was freed after the peak; what stays (the list, and the bytewise
    // module, imported afresh by every run) is in current.
    assert.ok(t.peak - t.current >= 100_000 - 4096, "the 100,000 bytes were freed after the peak");
    assert.equal(t.regions.length, 1);
    const region = t.regions[0];
    assert.equal(region.label, "build");
    assert.equal(region.line, 5);
    assert.ok(region.peak >= region.change + 100_000);
    assert.equal(region.top_lines[0].line, 4);
  });

  test("a region works without tracing the whole run", async () => {
    const report = await bytewise.measure("import bytewise\nwith bytewise.region('r'):\n    xs = [0.5] * 1000\n");
    assertValid(report);
    assert.equal(report.tracemalloc.current, null);
    assert.equal(report.tracemalloc.regions[0].label, "r");
    assert.ok(report.tracemalloc.regions[0].change >= 4000);
    assert.equal((await bytewise.measure("x = 1")).tracemalloc, null);
  });

  test("a class's own __sizeof__ is never called: its objects get CPython's own size, and a note says so", async () => {
    const report = await bytewise.measure(
      "class Bad:\n    def __sizeof__(self):\n        raise RuntimeError('no size')\nb = [Bad(), Bad(), 1.5]\n" +
        "class Plain:\n    pass\nimport sys\nexpected = sys.getsizeof(Plain())",
    );
    assertValid(report);
    const notes = report.diagnostics.filter((x) => x.code === "probe.own_sizeof");
    assert.equal(notes.length, 1, "one note per class");
    assert.equal(notes[0].object.type, "Bad");
    assert.match(notes[0].message, /^Bad defines its own __sizeof__, which is the program's code/);
    const b = report.roots.find((r) => r.name === "b");
    assert.equal(b.objects, 4);
    // The same layout as a plain class's instance: what getsizeof gives one of those.
    const expected = report.roots.find((r) => r.name === "expected").label;
    const list = report.roots.find((r) => r.name === "b").shallow;
    assert.equal(b.deep, list + 2 * Number(expected) + 16);
  });

  test("sizes are predicted for 64-bit CPython 3.12 by default, and for any modelled platform", async () => {
    const report = await bytewise.measure("x = [1, 2, 3]\ns = 'hello'\nt = (1.5, 2.5)");
    assertValid(report);
    assert.deepEqual(report.compared_with, {
      platform: "cpython-3.12-64",
      short: "64-bit 3.12",
      description: "64-bit CPython 3.12",
    });
    const byName = Object.fromEntries(report.roots.map((r) => [r.name, r]));
    // A 3-item list display: 4 slots on 3.12 however it was built; three ints of 28 bytes.
    assert.equal(byName.x.predicted.shallow, 88);
    assert.equal(byName.x.predicted.status, "exact");
    assert.equal(byName.x.predicted.deep, 88 + 3 * 28);
    assert.equal(byName.s.predicted.shallow, 46); // 41 + 5 ASCII characters
    assert.equal(byName.s.predicted.status, "exact");
    assert.equal(byName.t.predicted.deep, 56 + 2 * 24);
    assert.equal(report.total.predicted_deep, 88 + 3 * 28 + 46 + 56 + 2 * 24);
    const old = await bytewise.measure("s = 'hello'", { comparePlatform: "cpython-3.8-64" });
    assert.equal(old.roots[0].predicted.shallow, 54); // 3.8 strs carry wstr: 49 + 5
    const none = await bytewise.measure("s = 'hello'", { comparePlatform: null });
    assertValid(none);
    assert.equal(none.compared_with, null);
    assert.equal(none.roots[0].predicted, null);
  });

  test("an object the model does not cover is named, not guessed", async () => {
    const report = await bytewise.measure("import collections\nq = collections.deque([1.5])");
    assertValid(report);
    assert.equal(report.roots[0].predicted.shallow, null);
    assert.equal(report.roots[0].predicted.status, "not modelled");
    assert.equal(report.roots[0].predicted.rule, "no formula for this type");
    assert.equal(report.roots[0].predicted.deep, null);
    assert.equal(report.roots[0].predicted.unmodelled_objects, 1);
  });

  test("an unknown platform name is refused, before the program runs, with the list of known ones", async () => {
    await assert.rejects(
      () => bytewise.measure("print('ran')", { comparePlatform: "cpython-2.7-64" }),
      (err) =>
        err instanceof BytewiseError &&
        err.code === "api.bad_option" &&
        /comparePlatform must be null or one of: cpython-3\.8-64, .*cpython-3\.14-wasm32, not "cpython-2\.7-64"\./.test(
          err.message,
        ),
    );
  });

  test("bad options are refused with a message that names them", async () => {
    const cases = [
      [{ objectCap: 0 }, /objectCap must be a whole number from 1/],
      [{ followTypes: "yes" }, /followTypes must be true or false/],
      [{ roots: [] }, /roots must be null or a non-empty list/],
      [{ objectCap: 50_000_001 }, /objectCap must be a whole number from 1 to 50,000,000, not 50000001/],
      [{ colour: "red" }, /Unknown option colour; known options: /],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(
        () => bytewise.measure("x = 1", options),
        (err) => err instanceof BytewiseError && message.test(err.message),
      );
    }
    await assert.rejects(() => bytewise.measure(42), /must be a string, not number/);
  });
});

describe("sizeOf()", () => {
  test("reads how a list was built from the expression", async () => {
    const sizes = Object.fromEntries((await bytewise.sizeOf("[1, 2, 3]")).sizes.map((s) => [s.platform, s]));
    assert.equal(sizes["cpython-3.8-64"].size, 80);
    assert.equal(sizes["cpython-3.9-64"].size, 120);
    assert.equal(sizes["cpython-3.12-64"].size, 88);
    assert.equal(sizes["cpython-3.14-wasm32"].status, "measured");
    // The list object and its 4 slots: 56 -> 64 and 32 -> 32 (pymalloc); 28 -> 32 and
    // 16 -> 24 (dlmalloc). The small ints are static.
    assert.equal(sizes["cpython-3.12-64"].allocated, 64 + 32);
    assert.equal(sizes["cpython-3.14-wasm32"].allocated, 32 + 24);
    assert.equal(sizes["cpython-3.14-wasm32"].allocatedStatus, "exact");
    const appended = Object.fromEntries(
      (await bytewise.sizeOf("[i for i in range(17)]")).sizes.map((s) => [s.platform, s.size]),
    );
    assert.equal(appended["cpython-3.8-64"], 56 + 25 * 8);
    await assert.rejects(() => bytewise.sizeOf(""), /non-empty string/);
  });

  test("knows constant folding, iterators and set displays by version (measured on each)", async () => {
    const on = async (expression) =>
      Object.fromEntries((await bytewise.sizeOf(expression)).sizes.map((s) => [s.platform, s]));
    const negative = await on("[-1, -2, -3, -4]"); // folded to a constant tuple on 3.9+
    assert.deepEqual([negative["cpython-3.8-64"].size, negative["cpython-3.9-64"].size], [88, 120]);
    assert.equal(negative["cpython-3.9-64"].status, "exact");
    const iterated = await on("list(iter(range(8)))");
    assert.deepEqual([iterated["cpython-3.8-64"].size, iterated["cpython-3.10-64"].size], [56 + 12 * 8, 56 + 8 * 8]);
    const fives = await on("{1, 2, 3, 4, 5}"); // BUILD_SET 5 on 3.8, one merge since 3.9
    assert.deepEqual([fives["cpython-3.8-64"].size, fives["cpython-3.9-64"].size], [728, 472]);
    const mixed = await on("{'x': 1, 2: 'y'}");
    assert.deepEqual([mixed["cpython-3.10-64"].size, mixed["cpython-3.12-64"].size], [232, 352]);
    assert.equal(mixed["cpython-3.12-64"].status, "exact");
  });
});

describe("footprints()", () => {
  test("measures every structure at every N, with sizes from CPython and the core", async () => {
    const result = await bytewise.footprints({ sizes: [10, 1000, 20000] });
    assert.match(result.platform, /^CPython 3\.14/);
    const byName = Object.fromEntries(result.structures.map((s) => [s.name, s.points]));
    assert.deepEqual(Object.keys(byName), [
      "list(range(N))",
      "[i for i in range(N)]",
      "append loop",
      "[0] * N",
      "tuple(range(N))",
      "array('i')",
      "array('d')",
      "generator expression",
      "range(N)",
    ]);
    for (const points of Object.values(byName))
      assert.deepEqual(
        points.map((p) => p.n),
        [10, 1000, 20000],
      );
    // [0] * n allocates exactly n slots: 28 bytes of list (GC header included) + 4 per pointer on wasm32.
    assert.deepEqual(
      byName["[0] * N"].map((p) => p.shallow),
      [28 + 40, 28 + 4000, 28 + 80000],
    );
    // One shared 0: deep is the list plus one int.
    assert.deepEqual(
      byName["[0] * N"].map((p) => p.deep - p.shallow),
      [16, 16, 16],
    );
    // A generator and a range stay the same size whatever N is.
    for (const name of ["generator expression", "range(N)"]) {
      assert.equal(new Set(byName[name].map((p) => p.shallow)).size, 1, name);
    }
    // An array holds values, not objects: deep equals shallow.
    for (const p of byName["array('d')"]) assert.equal(p.deep, p.shallow);
    // Appends over-allocate; list(range(N)) sizes exactly.
    const appended = byName["append loop"].at(-1);
    const exact = byName["list(range(N))"].at(-1);
    assert.ok(appended.shallow > exact.shallow);
    const peaks = Object.fromEntries(result.peaks.map((s) => [s.name, s.points]));
    assert.ok(
      peaks["sum([...])"].at(-1).peak > 10 * peaks["sum(...)"].at(-1).peak,
      "building the list costs far more than streaming",
    );
  });

  test("bad sizes are refused", async () => {
    await assert.rejects(() => bytewise.footprints({ sizes: [] }), /sizes must list 1 to 8 whole numbers/);
    await assert.rejects(() => bytewise.footprints({ sizes: [10, -1] }), BytewiseError);
  });
});

describe("npx bytewise", () => {
  const cli = path.join(root, "bin", "bytewise.mjs");
  const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bytewise-cli-"));
  const file = (name, text) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  test("lessons check reports each problem as file:line and exits 1", async () => {
    const lesson = file(
      "bad.md",
      [
        "---",
        "title: Bad",
        "order: 7",
        "concepts: [x]",
        "level: beginner",
        "---",
        "",
        "```python",
        "1 / 0",
        "```",
        "",
        "```exercise",
        "kind: identity",
        "prompt: P?",
        "code: print(3)",
        "hint: H",
        "explanation: E",
        "```",
        "",
        "```exercise",
        "kind: number",
        "prompt: P?",
        "code: print(1)",
        "hint: H",
        "explanation: E",
        "answer: 1",
        "```",
        "",
      ].join("\n"),
    );
    const result = run("lessons", "check", lesson);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), [
      `${lesson}:20: exercise: remove 'answer': answers are computed by running the code, never written in`,
      "1 lesson, 0 exercises: 1 problem",
    ]);
    const fixed = file("fixable.md", fs.readFileSync(lesson, "utf8").replace("answer: 1\n", ""));
    const again = run("lessons", "check", fixed);
    assert.equal(again.status, 1);
    assert.deepEqual(again.stdout.trim().split("\n"), [
      `${fixed}:8: the code block raised ZeroDivisionError: division by zero`,
      `${fixed}:12: exercise: the last line its code prints is not True or False`,
      "1 lesson, 2 exercises: 2 problems",
    ]);
    const crash = file(
      "crash.md",
      [
        "---",
        "title: Crash",
        "order: 8",
        "concepts: [x]",
        "level: beginner",
        "---",
        "",
        "```python",
        "class R:",
        "    def __repr__(self):",
        "        return repr(self)",
        "repr(R())",
        "```",
        "",
        "```python",
        "print('after the crash')",
        "```",
        "",
      ].join("\n"),
    );
    const crashed = run("lessons", "check", crash);
    assert.equal(crashed.status, 1);
    assert.match(
      crashed.stdout,
      new RegExp(
        `^${crash.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:8: the code block crashed Python \\(Maximum call stack size exceeded\\); a fresh one runs the next program\\. [^\n]*\n1 lesson, 0 exercises: 1 problem\n$`,
      ),
    );
    const good = run("lessons", "check");
    assert.equal(good.status, 0, good.stdout);
    assert.match(good.stdout, /^\d+ lessons, \d+ exercises: all answers computed\n$/);
  });

  test("a missing file is a one-line error with exit code 2", async () => {
    const r = run("measure", path.join(dir, "missing.py"));
    assert.equal(r.status, 2);
    assert.match(r.stderr.split("\n")[0], /^bytewise: no such file: .*missing\.py$/);
  });

  test("a bad option is a usage error with exit code 2", async () => {
    const r = run("measure", file("ok.py", "x = 1"), "--object-cap", "lots");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--object-cap must be a whole number, got "lots"/);
    const zero = run("measure", file("ok.py", "x = 1"), "--object-cap", "0");
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /Option objectCap must be a whole number from 1 to 50,000,000, not 0\./);
    assert.equal(run("measure", "--nope").status, 2);
    assert.equal(run("frobnicate").status, 2);
  });

  test("--help lists every option of the core's table by its flag, with its help", async () => {
    const r = run("--help");
    assert.equal(r.status, 0);
    for (const row of bytewise.analyser.options) {
      assert.ok(r.stdout.includes(`--${row.flag}`), row.flag);
      assert.ok(r.stdout.includes(row.help), row.name);
    }
    for (const p of bytewise.analyser.platforms) assert.ok(r.stdout.includes(p.name), p.name);
  });

  test("the table's flags reach measure(): inverted booleans, numbers and platforms", async () => {
    const r = run(
      "measure",
      file("flags.py", "x = [1.5, 2.5]"),
      "--json",
      "--no-retained",
      "--top",
      "1",
      "--compare",
      "none",
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assertValid(report);
    assert.equal(report.roots[0].retained, null);
    assert.equal(report.top.shallow.length, 1);
    assert.equal(report.compared_with, null);
  });

  test("--json prints a schema-valid report", async () => {
    const r = run("measure", file("list.py", "x = [1, 2, 3]\nprint('out')"), "--json");
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assertValid(report);
    assert.equal(report.stdout, "out\n");
    assert.equal(report.roots[0].shallow, 44);
  });

  test("the table names the platform and the variables", async () => {
    const r = run("measure", file("table.py", "words = ['memory'] * 3"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /measured in CPython 3\.14\.\d+, 32-bit wasm \(Pyodide 314\.0\.7\)/);
    assert.match(r.stdout, /^words\s+list\s+40\s+/m);
  });

  test("sizes a cap cut are marked ≥, and exact ones are not; the cap is shared between variables", async () => {
    // The big list comes first and still leaves the small one whole: of the 20 objects, the
    // small list and its float take 2, the big list itself and 17 of its 50 floats the rest.
    const code = "big = [float(i) for i in range(50)]\nsmall = [1.5]\n";
    const r = run("measure", file("cut.py", code), "--object-cap", "20");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^truncated at 20 objects \(option --object-cap\): sizes marked ≥/m);
    const row = (name) => r.stdout.split("\n").find((line) => line.startsWith(`${name} `));
    assert.match(row("big"), /^big\s+list\s+\d+\s+≥ [\d,]+\s+≥ [\d,]+\s+~[\d,]+\s+≥ \d+/);
    assert.doesNotMatch(row("small"), /≥/);
    assert.match(r.stdout, /^objects the object cap \(shared between the variables\) left out: big at least 33$/m);
    const json = JSON.parse(run("measure", file("cut.py", code), "--object-cap", "20", "--json").stdout);
    assertValid(json);
    assert.deepEqual(
      json.roots.map((root) => [root.name, root.lower_bound, root.unreached, root.objects]),
      [
        ["big", true, 33, 18],
        ["small", false, 0, 2],
      ],
    );
    assert.equal(json.total.lower_bound, true);
    assert.deepEqual(json.capture, { method: "native", reason: null });
  });

  test("size predicts sys.getsizeof on one platform or all", async () => {
    const one = run("size", "[1, 2, 3]", "--platform", "cpython-3.9-64");
    assert.equal(one.status, 0, one.stderr);
    assert.equal(one.stdout.trim(), "120", "3.9 grows a constant display from 0 through list_resize");
    const all = run("size", "'hello'", "--platform", "all");
    assert.equal(all.status, 0, all.stderr);
    // getsizeof, then what the allocator reserves: pymalloc's 16-byte classes, dlmalloc's chunks.
    assert.match(all.stdout, /^cpython-3\.8-64\s+54\s+64\s+exact/m);
    assert.match(all.stdout, /^cpython-3\.12-64\s+46\s+48\s+exact/m);
    assert.match(all.stdout, /^cpython-3\.14-wasm32\s+26\s+32\s+measured in this Pyodide/m);
    const bad = run("size", "1", "--platform", "cpython-2.7-64");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown platform "cpython-2\.7-64"/);
    const failing = run("size", "no_such_name");
    assert.equal(failing.status, 1);
    assert.match(failing.stderr, /NameError/);
  });

  test("the first argument of size and explain is the expression, even one that starts with -", async () => {
    const negative = run("size", "-5", "--platform", "cpython-3.12-64");
    assert.equal(negative.status, 0, negative.stderr);
    assert.equal(negative.stdout.trim(), "28");
    const explained = run("explain", "-5", "16");
    assert.equal(explained.status, 0, explained.stderr);
    assert.match(explained.stdout, /cpython-3\.14-wasm32/);
    for (const args of [["size", ""], ["size", "  "], ["size"], ["explain", "", "49"]]) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, `one line for ${JSON.stringify(args)}: ${r.stderr}`);
      assert.match(r.stderr, /^bytewise: (size|explain) takes/);
    }
  });

  test("explain names the Pythons that print a number", async () => {
    const r = run("explain", "'hello'", "54");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(" (")[0]),
      ["64-bit CPython 3.8", "64-bit CPython 3.9", "64-bit CPython 3.10", "64-bit CPython 3.11"],
    );
    const none = run("explain", "[]", "99");
    assert.equal(none.status, 1);
    assert.match(none.stdout, /No modelled Python prints 99 for sys\.getsizeof\(\[\]\); they print 28, 56\./);
    assert.equal(run("explain", "[]", "lots").status, 2);
  });

  test("a program that raises prints its traceback and exits 1", async () => {
    const r = run("measure", file("fail.py", "x = 1\nraise ValueError('bad')"));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ValueError: bad/);
    assert.match(r.stdout, /^x\s+int/m);
  });
});
