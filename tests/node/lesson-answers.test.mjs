// Exercise answers (web/lesson-answers.js): computed by running the code in real Pyodide,
// for this browser's Python and for a 64-bit one, and checked against what students type
// ("904 bytes", "~10 MB", "True").
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, test } from "node:test";
import { checkAnswer, computeAnswer, explain, parseQuantity, withSeparators } from "../../web/lesson-answers.js";
import { parseLesson } from "../../web/lessons.js";
import { openBytewise } from "../../web/node-api.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = parseLesson(
  fs.readFileSync(path.join(here, "..", "fixtures", "lessons", "valid.md"), "utf8"),
  "valid.md",
).lesson;
const [bytesExercise, identityExercise] = fixture.blocks.filter((b) => b.type === "exercise");

let measure;
before(async () => {
  const bytewise = await openBytewise();
  measure = (code, options) => bytewise.measure(code, options);
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
