// The lesson format: reads a lesson file (lessons/*.md) into its metadata and blocks, and
// says exactly what is wrong where, as "file:line: message". Lesson files are data written
// by people (and may come from anyone through a link), so the parser never throws and
// never trusts a field it has not checked. The format is described in lessons/README.md.
//
//   const { lesson, errors } = parseLesson(text, "lessons/01-shallow.md");
//   errors.map(formatLessonError)   // ["lessons/01-shallow.md:12: exercise: 'hint' is missing"]
//
// A lesson is { file, meta: { title, order, concepts, level }, blocks }, where a block is
// { type: "markdown", text, line } | { type: "code", code, line }
// | { type: "exercise", line, kind, prompt, code, hint, explanation, ...kind's fields }.
// No answer is ever written in a lesson: each exercise's answer is computed by running its
// code (the validator and the app do that).
import MarkdownIt from "markdown-it";
import { parseDocument } from "yaml";

export const MAX_LESSON_BYTES = 200_000;
const MAX_EXERCISES = 50;
const MAX_TEXT = 4_000; // characters of a prompt, hint or explanation
const MAX_CODE = 20_000; // characters of an exercise's code
export const LEVELS = ["beginner", "intermediate", "advanced"];

/**
 * Exercise kinds: what the student predicts, and the fields each kind takes beyond the
 * common ones (kind, prompt, code, hint, explanation).
 *   output    the program's whole output, compared as text
 *   number    the last line printed, a number; `tolerance` (a number or "5%") allowed
 *   choice    which of `choices` the program prints
 *   bytes     a size in bytes: the last line printed, or `measure` (an expression whose
 *             `size`, shallow, deep or allocated, is measured here or predicted for the
 *             student's platform); `margin` (bytes or "10%") allowed
 *   identity  True or False: what the program prints (an `is` comparison)
 *   bigger    which of two `choices` is bigger: the program prints two numbers, in order
 *   step      what the next step will show, stopped while stepping through the program:
 *             `line` (and `run`, the how-manyth time it is about to run, 1 unless given)
 *             names the step; `ask` is `shallow` or `deep` (of `variable`, in bytes;
 *             `margin` allowed), `freed` (True or False: does the next step free an
 *             object?) or `grows` (which of the variables in `choices` grows)
 */
export const EXERCISE_KINDS = {
  output: { optional: [] },
  number: { optional: ["tolerance"] },
  choice: { required: ["choices"], optional: [] },
  bytes: { optional: ["measure", "size", "margin"] },
  identity: { optional: [] },
  bigger: { required: ["choices"], optional: [] },
  step: { required: ["line", "ask"], optional: ["run", "variable", "choices", "margin"] },
};
/** What a step exercise asks about the next step. */
export const STEP_ASKS = ["shallow", "deep", "freed", "grows"];
const COMMON = ["kind", "prompt", "code", "hint", "explanation"];
/** Values an explanation may interpolate as {{name}}. */
export const PLACEHOLDERS = ["answer", "output", "here", "platform", "predicted", "before", "line"];
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** The names of the {{placeholders}} in `text`, in order. */
export function placeholderNames(text) {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** `text` with each {{name}} replaced by values[name] ("" when it has none). */
export function fillPlaceholders(text, values) {
  return text.replace(PLACEHOLDER, (_, name) => values[name] ?? "");
}

/** @param {{ file: string, line: number, message: string }} e */
export function formatLessonError(e) {
  return `${e.file}:${e.line}: ${e.message}`;
}

const markdown = new MarkdownIt({ html: false });

/** "5%" or a number >= 0: a tolerance or margin. */
function isAmount(value) {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0;
  return typeof value === "string" && /^\d+(\.\d+)?%$/.test(value) && Number.parseFloat(value) <= 100;
}

function yamlError(err, firstLine) {
  const line = err?.linePos?.[0]?.line;
  // The file's line replaces the YAML parser's own position ("at line 3, column 1:").
  const text = String(err?.message ?? err)
    .split("\n")[0]
    .replace(/ at line \d+, column \d+:?$/, "");
  return { line: firstLine + (Number.isInteger(line) ? line - 1 : 0), message: text };
}

// YAML's warnings (an unknown !tag, a list used as a key) are errors in a lesson: what the
// author meant is not what would be read.
function parseYamlAt(source, firstLine) {
  try {
    const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: true, logLevel: "silent" });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) return { error: yamlError(problem, firstLine) };
    return { value: doc.toJS({ maxAliasCount: 50 }) };
  } catch (err) {
    return { error: yamlError(err, firstLine) };
  }
}

function checkMeta(meta, add) {
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) {
    add(1, "the front matter must be fields such as 'title: Shallow vs deep'");
    return null;
  }
  for (const key of Object.keys(meta)) {
    if (!["title", "order", "concepts", "level"].includes(key))
      add(1, `front matter: unknown field '${key}' (fields: title, order, concepts, level)`);
  }
  if (typeof meta.title !== "string" || !meta.title.trim() || meta.title.length > 120) {
    add(1, "front matter: 'title' must be a line of text (at most 120 characters)");
  }
  if (!Number.isInteger(meta.order) || meta.order < 1 || meta.order > 1000) {
    add(1, "front matter: 'order' must be a whole number from 1 to 1000");
  }
  if (
    !Array.isArray(meta.concepts) ||
    meta.concepts.length === 0 ||
    !meta.concepts.every((c) => typeof c === "string" && /^[a-z0-9][a-z0-9-]{0,40}$/.test(c))
  ) {
    add(1, "front matter: 'concepts' must be a list of names such as [getsizeof, deep-size]");
  }
  if (!LEVELS.includes(meta.level)) add(1, `front matter: 'level' must be one of ${LEVELS.join(", ")}`);
  return { title: meta.title, order: meta.order, concepts: meta.concepts, level: meta.level };
}

/** A step exercise's own fields: where it stops, and what it asks about the next step. */
function checkStep(fields, line, add) {
  if (!Number.isInteger(fields.line) || fields.line < 1 || fields.line > 10_000) {
    add(line, "exercise: 'line' must be the number of a line of its code, such as 3");
  } else if (typeof fields.code === "string" && fields.line > fields.code.split("\n").length) {
    add(line, `exercise: 'line' is ${fields.line}, but its code has ${fields.code.trimEnd().split("\n").length} lines`);
  }
  if (fields.run !== undefined && (!Number.isInteger(fields.run) || fields.run < 1 || fields.run > 1000)) {
    add(line, "exercise: 'run' must be a whole number from 1 to 1000: the how-manyth time the line is about to run");
  }
  if (!STEP_ASKS.includes(fields.ask)) {
    add(line, `exercise: 'ask' must be one of ${STEP_ASKS.join(", ")}`);
    return;
  }
  const sized = fields.ask === "shallow" || fields.ask === "deep";
  if (sized && (typeof fields.variable !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(fields.variable))) {
    add(line, `exercise: 'ask: ${fields.ask}' needs 'variable', the name whose size is asked, such as grown`);
  }
  if (!sized && fields.variable !== undefined)
    add(line, "exercise: 'variable' goes with 'ask: shallow' or 'ask: deep'");
  if (!sized && fields.margin !== undefined) add(line, "exercise: 'margin' goes with 'ask: shallow' or 'ask: deep'");
}

function checkExercise(fields, line, add) {
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    add(line, "exercise: the block must hold fields such as 'kind: number'");
    return null;
  }
  const kind = EXERCISE_KINDS[fields.kind];
  if (!kind) {
    add(line, `exercise: 'kind' must be one of ${Object.keys(EXERCISE_KINDS).join(", ")}`);
    return null;
  }
  const allowed = [...COMMON, ...(kind.required ?? []), ...kind.optional];
  for (const key of Object.keys(fields)) {
    if (key === "answer" || key === "expected") {
      add(line, `exercise: remove '${key}': answers are computed by running the code, never written in`);
    } else if (!allowed.includes(key)) {
      add(line, `exercise: unknown field '${key}' for kind ${fields.kind} (fields: ${allowed.join(", ")})`);
    }
  }
  for (const key of ["prompt", "hint", "explanation"]) {
    if (typeof fields[key] !== "string" || !fields[key].trim()) add(line, `exercise: '${key}' is missing`);
    else if (fields[key].length > MAX_TEXT)
      add(line, `exercise: '${key}' is longer than ${MAX_TEXT.toLocaleString("en")} characters`);
  }
  const measured = fields.kind === "bytes" && fields.measure !== undefined;
  if (typeof fields.code !== "string" || !fields.code.trim()) {
    add(line, "exercise: 'code' is missing: the answer is computed by running it");
  } else if (fields.code.length > MAX_CODE) {
    add(line, `exercise: 'code' is longer than ${MAX_CODE.toLocaleString("en")} characters`);
  }
  if (fields.kind === "step") checkStep(fields, line, add);
  if (kind.required?.includes("choices")) {
    const count = fields.kind === "bigger" ? [2, 2] : [2, 6];
    const ok =
      Array.isArray(fields.choices) &&
      fields.choices.length >= count[0] &&
      fields.choices.length <= count[1] &&
      fields.choices.every((c) => typeof c === "string" && c.trim() && c.length <= 200) &&
      new Set(fields.choices).size === fields.choices.length;
    if (!ok) {
      add(
        line,
        fields.kind === "bigger"
          ? "exercise: 'choices' must name the two things compared, such as [list, tuple]"
          : "exercise: 'choices' must be 2 to 6 different lines of text",
      );
    }
  }
  if (fields.kind === "step" && fields.choices !== undefined && fields.ask !== "grows") {
    add(line, "exercise: 'choices' goes with 'ask: grows' (the variables, one of which grows)");
  } else if (fields.kind === "step" && fields.ask === "grows") {
    const ok =
      Array.isArray(fields.choices) &&
      fields.choices.length >= 2 &&
      fields.choices.length <= 6 &&
      fields.choices.every((c) => typeof c === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(c)) &&
      new Set(fields.choices).size === fields.choices.length;
    if (!ok) add(line, "exercise: 'choices' must be 2 to 6 different variable names, such as [a, b]");
  }
  if (fields.tolerance !== undefined && !isAmount(fields.tolerance))
    add(line, "exercise: 'tolerance' must be a number or a percentage such as 5%");
  if (fields.margin !== undefined && !isAmount(fields.margin))
    add(line, "exercise: 'margin' must be a number of bytes or a percentage such as 10%");
  if (measured && (typeof fields.measure !== "string" || !fields.measure.trim() || fields.measure.length > 200)) {
    add(line, "exercise: 'measure' must be a Python expression such as cache");
  }
  if (fields.size !== undefined && (!measured || !["shallow", "deep", "allocated"].includes(fields.size))) {
    add(line, "exercise: 'size' (shallow, deep or allocated) goes with 'measure'");
  }
  if (typeof fields.explanation === "string") {
    for (const name of placeholderNames(fields.explanation)) {
      if (!PLACEHOLDERS.includes(name))
        add(line, `exercise: the explanation uses {{${name}}}; known values: ${PLACEHOLDERS.join(", ")}`);
    }
  }
  return { ...fields };
}

/**
 * @param {string} text the lesson file's contents
 * @param {string} file its path, for messages
 * @returns {{ lesson: object | null, errors: Array<{ file: string, line: number, message: string }> }}
 *   lesson is null when there are errors
 */
export function parseLesson(text, file) {
  const errors = [];
  const add = (line, message) => errors.push({ file, line, message });
  if (typeof text !== "string") {
    add(1, "the lesson is not text");
    return { lesson: null, errors };
  }
  if (text.length > MAX_LESSON_BYTES) {
    add(
      1,
      `the lesson is ${text.length.toLocaleString("en")} characters long; split it (at most ${MAX_LESSON_BYTES.toLocaleString("en")})`,
    );
    return { lesson: null, errors };
  }
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[0] !== "---") {
    add(1, "a lesson starts with front matter: a line '---', fields (title, order, concepts, level), and '---'");
    return { lesson: null, errors };
  }
  const close = lines.indexOf("---", 1);
  if (close === -1) {
    add(1, "the front matter has no closing '---' line");
    return { lesson: null, errors };
  }
  const front = parseYamlAt(lines.slice(1, close).join("\n"), 2);
  const meta = front.error
    ? (add(front.error.line, `front matter: ${front.error.message}`), null)
    : checkMeta(front.value, add);

  // The body: Markdown, whose fenced blocks are Python code or exercises.
  const bodyStart = close + 1; // 0-based index of the body's first line
  const body = lines.slice(bodyStart).join("\n");
  const blocks = [];
  let cursor = 0; // body line where the current Markdown run starts
  let exercises = 0;
  const flush = (end) => {
    let from = bodyStart + cursor;
    while (from < bodyStart + end && !lines[from].trim()) from += 1; // a block's line is its first text
    const chunk = lines.slice(from, bodyStart + end).join("\n");
    if (chunk.trim()) blocks.push({ type: "markdown", text: chunk, line: from + 1 });
  };
  for (const token of markdown.parse(body, {})) {
    if (token.type !== "fence" || !token.map || token.level !== 0) continue;
    const info = token.info.trim().split(/\s+/)[0];
    const line = bodyStart + token.map[0] + 1; // 1-based line of the opening fence
    if (info === "python") {
      flush(token.map[0]);
      blocks.push({ type: "code", code: token.content, line });
      cursor = token.map[1];
    } else if (info === "exercise") {
      flush(token.map[0]);
      exercises += 1;
      if (exercises > MAX_EXERCISES) {
        if (exercises === MAX_EXERCISES + 1) add(line, `a lesson holds at most ${MAX_EXERCISES} exercises`);
      } else {
        const parsed = parseYamlAt(token.content, line + 1);
        if (parsed.error) add(parsed.error.line, `exercise: ${parsed.error.message}`);
        else {
          const exercise = checkExercise(parsed.value, line, add);
          if (exercise) blocks.push({ type: "exercise", line, ...exercise });
        }
      }
      cursor = token.map[1];
    }
  }
  flush(lines.length - bodyStart);
  if (errors.length) return { lesson: null, errors };
  return { lesson: { file, meta, blocks }, errors };
}
