// Exercise answers (web/lesson-answers.js): computed by running the code in real Pyodide,
// for this browser's Python and for a 64-bit one, and checked against what students type
// ("904 bytes", "~10 MB", "True").
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, test } from "node:test";
import {
  checkAnswer,
  computeAnswer,
  explain,
  parseQuantity,
  stopStep,
  withSeparators,
} from "../../web/lesson-answers.js";
import { parseLesson } from "../../web/lessons.js";
import { openBytewise } from "../../web/node-api.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = parseLesson(
  fs.readFileSync(path.join(here, "..", "fixtures", "lessons", "valid.md"), "utf8"),
  "valid.md",
).lesson;
const [bytesExercise, identityExercise] = fixture.blocks.filter((b) => b.type === "exercise");

let measure, trace;
before(async () => {
  const bytewise = await openBytewise();
  measure = (code, options) => bytewise.measure(code, options);
  trace = (code, options) => bytewise.trace(code, options);
});

describe("explain", () => {
  test("measured numbers get thousands separators; what a program printed does not", () => {
    const exercise = {
      kind: "bytes",
      explanation: "{{answer}} here, {{predicted}} on {{platform}}; it printed {{output}}.",
    };
    const values = { answer: "100021", here: "100021", predicted: "200040", platform: "64-bit CPython 3.12" };
    assert.equal(
      explain(exercise, { values: { ...values, output: "100021" } }),
      "100,021 here, 200,040 on 64-bit CPython 3.12; it printed 100021.",
    );
    const printed = { kind: "output", explanation: "It prints {{answer}}." };
    assert.equal(explain(printed, { values: { answer: "100021" } }), "It prints 100021.");
    const bigger = { kind: "bigger", explanation: "The sizes were {{here}} bytes." };
    assert.equal(explain(bigger, { values: { here: "56 and 4028" } }), "The sizes were 56 and 4,028 bytes.");
  });
  for (const [text, shown] of [
    ["999", "999"],
    ["1000000 bytes", "1,000,000 bytes"],
    ["2.5", "2.5"],
    ["1234.5678", "1234.5678"],
    ["0.12345", "0.12345"],
    ["x1234", "x1234"],
  ]) {
    test(`"${text}" is shown as "${shown}"`, () => assert.equal(withSeparators(text), shown));
  }
});

describe("parseQuantity", () => {
  for (const [text, value, approximate] of [
    ["904", 904, false],
    ["904 bytes", 904, false],
    ["1,024", 1024, false],
    [" 56 B ", 56, false],
    ["~10 MB", 10_000_000, true],
    ["about 2 KiB", 2048, true],
    ["2.5 kb", 2500, true],
    ["≈ 88", 88, true],
    ["1e3", 1000, false],
  ]) {
    test(`"${text}" is ${value}`, async () => assert.deepEqual(parseQuantity(text), { value, approximate }));
  }
  for (const text of ["", "lots", "10 parsecs", "True", "1.2.3"]) {
    test(`"${text}" is not a quantity`, async () => assert.equal(parseQuantity(text), null));
  }
});

describe("computeAnswer", () => {
  test("a bytes exercise is measured here and predicted for 64-bit CPython", async () => {
    const here = await computeAnswer(bytesExercise, measure);
    assert.equal(here.ok, true, here.error);
    // 100 pointers in a list built by a comprehension: 28 + 4 * 104 slots on wasm32 3.14.
    assert.equal(here.answer, here.values.here);
    assert.equal(
      Number(here.answer),
      (
        await measure(
          "cache = [None] * 0\nfor _ in range(100): cache.append(0)\nimport sys\nprint(sys.getsizeof(cache))",
          {},
        )
      ).stdout.trim() * 1,
    );
    const wide = await computeAnswer(bytesExercise, measure, { platform: "cpython-3.12-64" });
    assert.equal(wide.answer, here.values.predicted);
    assert.equal(
      explain(bytesExercise, here),
      `${here.answer} bytes here; ${here.values.predicted} on 64-bit CPython 3.12.`,
    );
  });

  test("an identity exercise is what the code prints", async () => {
    const computed = await computeAnswer(identityExercise, measure);
    assert.deepEqual([computed.ok, computed.answer], [true, "False"]);
    assert.equal(explain(identityExercise, computed), "It printed False.");
  });

  test("code that raises, or prints the wrong thing for its kind, is an error that says so", async () => {
    assert.equal(
      (await computeAnswer({ ...identityExercise, code: "1/0" }, measure)).error,
      "its code raised ZeroDivisionError: division by zero",
    );
    assert.equal(
      (await computeAnswer({ ...identityExercise, code: "print(3)" }, measure)).error,
      "the last line its code prints is not True or False",
    );
    assert.equal(
      (await computeAnswer({ kind: "bigger", choices: ["a", "b"], code: "print(1, 1)", explanation: "" }, measure))
        .error,
      "both numbers are 1: neither is bigger",
    );
    assert.equal(
      (await computeAnswer({ kind: "choice", choices: ["x", "y"], code: "print('z')", explanation: "" }, measure))
        .error,
      'its code prints "z", which is none of the choices',
    );
  });
});

describe("checkAnswer", () => {
  const bytes = { kind: "bytes" };
  test("numbers with units, commas and tildes", async () => {
    assert.deepEqual(checkAnswer(bytes, "904 bytes", { answer: "904" }), { correct: true });
    assert.deepEqual(checkAnswer(bytes, "900", { answer: "904" }), { correct: false, why: "Too few." });
    assert.deepEqual(checkAnswer({ kind: "bytes", margin: "1%" }, "900", { answer: "904" }), { correct: true });
    assert.deepEqual(checkAnswer(bytes, "~10 MB", { answer: "10400000" }), { correct: true });
    assert.deepEqual(checkAnswer(bytes, "~10 MB", { answer: "12000000" }), { correct: false, why: "Too few." });
    assert.deepEqual(checkAnswer(bytes, "lots", { answer: "1" }).correct, false);
  });
  test("True/False, choices and output", async () => {
    assert.deepEqual(checkAnswer({ kind: "identity" }, "true", { answer: "True" }), { correct: true });
    assert.deepEqual(checkAnswer({ kind: "identity" }, "False", { answer: "True" }), {
      correct: false,
      why: "Not this time.",
    });
    assert.deepEqual(checkAnswer({ kind: "choice" }, "tuple", { answer: "tuple" }), { correct: true });
    assert.deepEqual(checkAnswer({ kind: "output" }, "44\r\n 88  ", { answer: "44\n 88" }), { correct: true });
    assert.deepEqual(checkAnswer({ kind: "number", tolerance: 0.5 }, "3", { answer: "3.4" }), { correct: true });
    assert.deepEqual(checkAnswer({ kind: "number" }, "", { answer: "3" }), {
      correct: false,
      why: "Type an answer first.",
    });
  });
});

describe("step exercises", () => {
  const LIST = "grown = []\nfor i in range(10):\n    grown.append(i)\n";
  const step = (fields) => ({ kind: "step", code: LIST, explanation: "", ...fields });

  test("the size at the next step, in this browser's Python: the fifth append grows the list", async () => {
    const exercise = step({ line: 3, run: 5, ask: "shallow", variable: "grown" });
    const computed = await computeAnswer(exercise, measure, { trace });
    assert.equal(computed.ok, true, computed.error);
    // wasm32 3.14: 28 bytes and 4 per slot; 4 slots for four items, then room for 8.
    assert.equal(computed.values.before, "44");
    assert.equal(computed.answer, "60");
    assert.equal(checkAnswer(exercise, "60 bytes", computed).correct, true);
    assert.equal(checkAnswer(exercise, "48", computed).correct, false);
    const report = await trace(LIST, {});
    assert.equal(stopStep(exercise, report), computed.stop);
    assert.equal(report.steps[computed.stop].line, 3);
    assert.equal(report.steps[computed.stop + 1].line, 2, "the next step is the loop's line again");
  });

  test("whether the next step frees an object: not while another name holds it", async () => {
    const code = "data = list(range(1000, 2000))\nalias = data\ndel data\nsize = len(alias)\ndel alias\n";
    const kept = await computeAnswer(step({ code, line: 3, ask: "freed" }), measure, { trace });
    assert.equal(kept.answer, "False");
    assert.equal(kept.values.here, "0 objects, 0 bytes");
    const freed = await computeAnswer(step({ code, line: 5, ask: "freed" }), measure, { trace });
    assert.equal(freed.answer, "True");
    // The list (28 + 4 x 1000 bytes) and its 1,000 ints of 16 bytes.
    assert.equal(freed.values.here, "1001 objects, 20028 bytes");
    assert.equal(checkAnswer(step({ ask: "freed" }), "yes", freed).correct, true);
  });

  test("which variable grows at the next step", async () => {
    const code = "a = []\nb = []\nfor i in range(3):\n    a.append(i)\n    b.append(str(i))\n";
    const computed = await computeAnswer(step({ code, line: 5, ask: "grows", choices: ["a", "b"] }), measure, {
      trace,
    });
    assert.equal(computed.answer, "b");
  });

  test("a stop that never comes, or no step after it, is the lesson's error", async () => {
    const never = await computeAnswer(step({ line: 3, run: 11, ask: "freed" }), measure, { trace });
    assert.equal(never.error, "line 3 does not run 11 times, so there is no step to stop at");
    const nothing = await computeAnswer(step({ line: 3, ask: "shallow", variable: "gone" }), measure, { trace });
    assert.equal(nothing.error, "'gone' is not a variable at the step after the one it stops at");
    const both = await computeAnswer(
      step({ code: "a = []\nb = []\na.append(1); b.append(2)\n", line: 3, ask: "grows", choices: ["a", "b"] }),
      measure,
      { trace },
    );
    assert.equal(both.error, "a and b grow at the next step: exactly one choice must");
    const noTrace = await computeAnswer(step({ line: 3, ask: "freed" }), measure);
    assert.match(noTrace.error, /stepping through its code, which is not available here/);
  });
});
