// The lesson parser (web/lessons.js): a valid lesson comes back as its blocks, and every
// mistake is reported as "file:line: what is wrong", with the line it is on.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { formatLessonError, MAX_LESSON_BYTES, parseLesson } from "../../web/lessons.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const VALID = fs.readFileSync(path.join(here, "..", "fixtures", "lessons", "valid.md"), "utf8");

const FRONT = "---\ntitle: T\norder: 2\nconcepts: [is]\nlevel: beginner\n---\n";
const messages = (text) => parseLesson(text, "l.md").errors.map(formatLessonError);
// The exercise fence is on line 10 (front matter: lines 1-6).
const exercise = (yaml) => messages(`${FRONT}\nIntro.\n\n\`\`\`exercise\n${yaml}\n\`\`\`\n`);
const BASE = "kind: identity\nprompt: P?\ncode: print(1 is 1)\nhint: H\nexplanation: E";

describe("parseLesson", () => {
  test("reads a valid lesson into its metadata and blocks, with their lines", () => {
    const { lesson, errors } = parseLesson(VALID, "lessons/valid.md");
    assert.deepEqual(errors, []);
    assert.deepEqual(lesson.meta, {
      title: "What getsizeof counts",
      order: 1,
      concepts: ["getsizeof", "deep-size"],
      level: "beginner",
    });
    assert.deepEqual(
      lesson.blocks.map((b) => [b.type, b.line]),
      [
        ["markdown", 8],
        ["code", 10],
        ["exercise", 16],
        ["markdown", 28],
        ["exercise", 30],
      ],
    );
    const [, code, bytes, , identity] = lesson.blocks;
    assert.equal(code.code, 'import sys\ncache = ["x" * 100_000 for _ in range(100)]\nprint(sys.getsizeof(cache))\n');
    assert.deepEqual(
      { kind: bytes.kind, measure: bytes.measure, size: bytes.size, margin: bytes.margin },
      { kind: "bytes", measure: "cache", size: "shallow", margin: "10%" },
    );
    assert.equal(identity.code, 'a = int("257")\nb = int("257")\nprint(a is b)\n');
  });

  test("front matter mistakes name the field and the fix", () => {
    assert.deepEqual(messages("# No front matter"), [
      "l.md:1: a lesson starts with front matter: a line '---', fields (title, order, concepts, level), and '---'",
    ]);
    assert.deepEqual(messages("---\ntitle: T\n"), ["l.md:1: the front matter has no closing '---' line"]);
    assert.deepEqual(messages("---\ntitle: [unclosed\n---\n"), [messages("---\ntitle: [unclosed\n---\n")[0]]);
    assert.match(messages("---\ntitle: [unclosed\n---\n")[0], /^l\.md:\d+: front matter: /);
    assert.deepEqual(messages("---\ntitle: ''\norder: 0\nconcepts: []\nlevel: expert\ncolour: red\n---\n"), [
      "l.md:1: front matter: unknown field 'colour' (fields: title, order, concepts, level)",
      "l.md:1: front matter: 'title' must be a line of text (at most 120 characters)",
      "l.md:1: front matter: 'order' must be a whole number from 1 to 1000",
      "l.md:1: front matter: 'concepts' must be a list of names such as [getsizeof, deep-size]",
      "l.md:1: front matter: 'level' must be one of beginner, intermediate, advanced",
    ]);
  });

  test("an exercise with a typed-in answer is refused: answers are computed", () => {
    assert.deepEqual(exercise(`${BASE}\nanswer: "True"`), [
      "l.md:10: exercise: remove 'answer': answers are computed by running the code, never written in",
    ]);
  });

  test("exercise mistakes are reported at the exercise's line", () => {
    assert.deepEqual(exercise("kind: essay"), [
      "l.md:10: exercise: 'kind' must be one of output, number, choice, bytes, identity, bigger, step",
    ]);
    assert.deepEqual(exercise("kind: number\nprompt: P"), [
      "l.md:10: exercise: 'hint' is missing",
      "l.md:10: exercise: 'explanation' is missing",
      "l.md:10: exercise: 'code' is missing: the answer is computed by running it",
    ]);
    assert.deepEqual(exercise(`${BASE}\ncolour: red`), [
      "l.md:10: exercise: unknown field 'colour' for kind identity (fields: kind, prompt, code, hint, explanation)",
    ]);
    assert.deepEqual(exercise(BASE.replace("identity", "choice")), [
      "l.md:10: exercise: 'choices' must be 2 to 6 different lines of text",
    ]);
    assert.deepEqual(exercise(`${BASE.replace("identity", "bigger")}\nchoices: [a, b, c]`), [
      "l.md:10: exercise: 'choices' must name the two things compared, such as [list, tuple]",
    ]);
    assert.deepEqual(exercise(`${BASE.replace("identity", "number")}\ntolerance: lots`), [
      "l.md:10: exercise: 'tolerance' must be a number or a percentage such as 5%",
    ]);
    assert.deepEqual(exercise(`${BASE.replace("identity", "bytes")}\nsize: deep`), [
      "l.md:10: exercise: 'size' (shallow, deep or allocated) goes with 'measure'",
    ]);
    assert.deepEqual(exercise(BASE.replace("explanation: E", "explanation: It is {{secret}}.")), [
      "l.md:10: exercise: the explanation uses {{secret}}; known values: answer, output, here, platform, predicted, before, line",
    ]);
  });

  test("a step exercise names a line of its code and what it asks about the next step", () => {
    const STEP = "kind: step\nprompt: P?\ncode: |\n  xs = []\n  xs.append(1)\nhint: H\nexplanation: E";
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: shallow\nvariable: xs`), []);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: freed`), []);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nrun: 1\nask: grows\nchoices: [xs, ys]`), []);
    assert.deepEqual(exercise(`${STEP}\nline: 9\nask: freed`), [
      "l.md:10: exercise: 'line' is 9, but its code has 2 lines",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: two\nask: freed\nrun: 0`), [
      "l.md:10: exercise: 'line' must be the number of a line of its code, such as 3",
      "l.md:10: exercise: 'run' must be a whole number from 1 to 1000: the how-manyth time the line is about to run",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: colour`), [
      "l.md:10: exercise: 'ask' must be one of shallow, deep, freed, grows",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: deep`), [
      "l.md:10: exercise: 'ask: deep' needs 'variable', the name whose size is asked, such as grown",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: freed\nvariable: xs\nmargin: 4`), [
      "l.md:10: exercise: 'variable' goes with 'ask: shallow' or 'ask: deep'",
      "l.md:10: exercise: 'margin' goes with 'ask: shallow' or 'ask: deep'",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: grows\nchoices: [xs, "not a name"]`), [
      "l.md:10: exercise: 'choices' must be 2 to 6 different variable names, such as [a, b]",
    ]);
    assert.deepEqual(exercise(`${STEP}\nline: 2\nask: freed\nchoices: [a, b]`), [
      "l.md:10: exercise: 'choices' goes with 'ask: grows' (the variables, one of which grows)",
    ]);
  });

  test("what YAML would read differently from what was meant (an unknown !tag) is an error", () => {
    assert.deepEqual(messages("---\ntitle: !custom T\norder: 1\nconcepts: [a]\nlevel: beginner\n---\n"), [
      "l.md:2: front matter: Unresolved tag: !custom",
    ]);
  });

  test("YAML errors inside an exercise point at their own line", () => {
    const [message] = exercise("kind: number\nprompt: [unclosed\nhint: H");
    assert.match(
      message,
      /^l\.md:1[23]: exercise: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    );
  });

  test("a lesson that is too long, or not text, is refused at once", () => {
    assert.deepEqual(messages("x".repeat(MAX_LESSON_BYTES + 1)), [
      `l.md:1: the lesson is 200,001 characters long; split it (at most 200,000)`,
    ]);
    assert.deepEqual(parseLesson(42, "l.md").errors.map(formatLessonError), ["l.md:1: the lesson is not text"]);
  });

  test("Windows line endings read the same", () => {
    const { lesson, errors } = parseLesson(VALID.replace(/\n/g, "\r\n"), "w.md");
    assert.deepEqual(errors, []);
    assert.equal(lesson.blocks.length, 5);
  });
});
