// Fuzzes the lesson parser (web/lessons.js) with fast-check: random text, random text after
// valid front matter, valid lessons with lines deleted, duplicated or replaced, and
// characters changed. The parser must never throw; it returns a lesson or errors, never
// both; every error names the file and a line inside it; a lesson's blocks keep their order.
//
//   node tests/fuzz/lessons.fuzz.mjs [runs]     (the fuzz layer of npm test runs it)
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { formatLessonError, parseLesson } from "../../web/lessons.js";

const RUNS = Number(process.argv[2] ?? 2000);
const here = path.dirname(fileURLToPath(import.meta.url));
const VALID = fs.readFileSync(path.join(here, "..", "fixtures", "lessons", "valid.md"), "utf8");
const VALID_LINES = VALID.split("\n");

function check(text) {
  const { lesson, errors } = parseLesson(text, "f.md");
  const lineCount = text.split(/\r\n?|\n/).length;
  assert.ok(Array.isArray(errors));
  assert.ok((lesson === null) !== (errors.length === 0), "a lesson or errors, never both");
  for (const e of errors) {
    assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lineCount, `line ${e.line} of ${lineCount}`);
    assert.match(formatLessonError(e), /^f\.md:\d+: \S/);
  }
  if (lesson) {
    const lines = lesson.blocks.map((b) => b.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
  }
}

const YAMLISH = fc.constantFrom(
  "kind: bytes",
  "kind: choice",
  "choices: [a, a]",
  "answer: 3",
  "code: |",
  "  print(1)",
  "prompt: x",
  "hint: &a [*a]",
  "explanation: {{x}}",
  "---",
  "```",
  "```exercise",
  "```python",
  "- [",
  "title: 'a",
  "\t",
  "",
);
const mutation = fc.oneof(
  fc.record({ op: fc.constant("delete"), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate"), at: fc.nat() }),
  fc.record({ op: fc.constant("replace"), at: fc.nat(), line: fc.oneof(YAMLISH, fc.string({ maxLength: 40 })) }),
  fc.record({ op: fc.constant("char"), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1 }) }),
);

function mutate(lines, m) {
  const out = [...lines];
  const i = m.at % out.length;
  if (m.op === "delete") out.splice(i, 1);
  else if (m.op === "duplicate") out.splice(i, 0, out[i]);
  else if (m.op === "replace") out[i] = m.line;
  else {
    const text = out.join("\n");
    const j = m.at % text.length;
    return (text.slice(0, j) + m.char + text.slice(j + 1)).split("\n");
  }
  return out;
}

const properties = [
  ["any text", fc.property(fc.string({ maxLength: 2000 }), check), RUNS],
  [
    "any text after front matter",
    fc.property(fc.string({ maxLength: 2000 }), (s) =>
      check(`---\ntitle: T\norder: 1\nconcepts: [x]\nlevel: beginner\n---\n${s}`),
    ),
    RUNS,
  ],
  [
    "lines of YAML and fences in any order",
    fc.property(fc.array(YAMLISH, { maxLength: 60 }), (ls) => check(ls.join("\n"))),
    RUNS,
  ],
  [
    "a valid lesson, mutated",
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (ms) =>
      check(ms.reduce(mutate, VALID_LINES).join("\n")),
    ),
    RUNS,
  ],
];

const started = performance.now();
for (const [name, property, runs] of properties) {
  fc.assert(property, { numRuns: runs });
  process.stdout.write(`lesson fuzz: ${name}: ${runs} inputs, no failure\n`);
}
process.stdout.write(`lesson fuzz: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
