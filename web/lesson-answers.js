// Answers to lesson exercises (web/lessons.js): computed by running the exercise's code,
// never written in the lesson, and checked against what a student typed.
//
//   const computed = await computeAnswer(exercise, (code, options) => measurer.measure(code, options),
//                                        { platform: "cpython-3.13-64" });
//   // { ok: true, answer: "456", values: { answer, output, here, predicted, platform } }
//   checkAnswer(exercise, "~450 bytes", computed)  // { correct: true } or { correct: false, why }
//
// `platform` is the platform the student chose for sizes: null for this browser's Python,
// or a modelled one; only `bytes` exercises with `measure` depend on it. A `step` exercise
// is answered from a recorded run: `trace` (trace() of web/measure.js, or the page's
// worker doing the same) gives its trace report.
import { fillPlaceholders, placeholderNames } from "./lessons.js";

const SIZE_UNITS = { b: 1, byte: 1, bytes: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30 };

function lastLine(text) {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1].trim();
}

/** The index of the step a step exercise stops at (the `run`-th about to run its `line`), or -1. */
export function stopStep(exercise, report) {
  const run = exercise.run ?? 1;
  let seen = 0;
  for (const [i, step] of report.steps.entries()) {
    if (step.line === exercise.line && ++seen === run) return i;
  }
  return -1;
}

/** The variable `name` at `step`: the innermost frame that has one, then outwards. */
function variableAt(step, name) {
  for (let f = step.frames.length - 1; f >= 0; --f) {
    const found = step.frames[f].variables.find((v) => v.name === name);
    if (found) return found;
  }
  return null;
}

/** What the checks compare a step exercise's answer as, by what it asks. */
const STEP_ANSWERS = { shallow: "bytes", deep: "bytes", freed: "identity", grows: "choice" };

/** A step exercise's answer, from the trace report of its code. */
function stepAnswer(exercise, report) {
  const fail = (error) => ({ ok: false, error });
  if (report.error) return fail(`its code raised ${report.error.message}`);
  const times = (n) => (n === 1 ? "once" : `${n} times`);
  const run = exercise.run ?? 1;
  const at = stopStep(exercise, report);
  if (at === -1) {
    const more = report.truncated ? ` in the ${report.steps.length.toLocaleString("en")} steps recorded` : "";
    return fail(`line ${exercise.line} does not run ${times(run)}${more}, so there is no step to stop at`);
  }
  if (at + 1 >= report.steps.length) return fail("no step comes after the one it stops at");
  const now = report.steps[at];
  const next = report.steps[at + 1];
  const values = {
    output: report.stdout.trimEnd(),
    line: next.line === null ? "the end of the program" : `line ${next.line}`,
  };
  let answer;
  if (exercise.ask === "shallow" || exercise.ask === "deep") {
    const after = variableAt(next, exercise.variable);
    if (!after) return fail(`'${exercise.variable}' is not a variable at the step after the one it stops at`);
    if (after[exercise.ask] === null) return fail(`no ${exercise.ask} size is known for '${exercise.variable}'`);
    answer = String(after[exercise.ask]);
    const before = variableAt(now, exercise.variable);
    values.before = before && before[exercise.ask] !== null ? String(before[exercise.ask]) : "nothing (not bound yet)";
    values.here = answer;
  } else if (exercise.ask === "freed") {
    const freed = next.changes.freed;
    answer = freed.objects > 0 ? "True" : "False";
    values.here = `${freed.objects} objects, ${freed.bytes} bytes`;
    values.before = `${now.total.objects} objects, ${now.total.deep} bytes`;
  } else {
    const deep = (step, name) => variableAt(step, name)?.deep ?? 0;
    const grown = exercise.choices.filter((name) => deep(next, name) > deep(now, name));
    if (grown.length !== 1) {
      return fail(
        grown.length === 0
          ? "none of its choices grows at the next step"
          : `${grown.join(" and ")} grow at the next step: exactly one choice must`,
      );
    }
    answer = grown[0];
    values.before = exercise.choices.map((name) => `${name} ${deep(now, name)}`).join(", ");
    values.here = exercise.choices.map((name) => `${name} ${deep(next, name)}`).join(", ");
  }
  values.answer = answer;
  for (const name of placeholderNames(exercise.explanation ?? "")) {
    if (values[name] === undefined)
      return fail(`its explanation uses {{${name}}}, which this exercise has no value for`);
  }
  return { ok: true, answer, values, stop: at };
}

/**
 * Runs an exercise's code and works out its answer.
 * @param {object} exercise a block from parseLesson
 * @param {(code: string, options: object) => object | Promise<object>} measure measure() of
 *   web/measure.js, or the page's worker doing the same
 * @param {{ platform?: string | null, trace?: (code: string, options: object) => object | Promise<object> }} [context]
 *   trace: for step exercises, the trace report of a program
 * @returns {Promise<{ ok: true, answer: string, values: Record<string, string>, stop?: number }
 *                   | { ok: false, error: string }>} stop: a step exercise's step (its index)
 */
export async function computeAnswer(exercise, measure, { platform = null, trace = null } = {}) {
  if (exercise.kind === "step") {
    if (!trace) return { ok: false, error: "it is answered by stepping through its code, which is not available here" };
    return stepAnswer(exercise, await trace(exercise.code, {}));
  }
  const measured = exercise.kind === "bytes" && exercise.measure !== undefined;
  // {{predicted}} and {{platform}} name a 64-bit Python even when the student answers for
  // this browser's: the chosen platform, or the one measure() compares with by default.
  const compare = platform === null ? {} : { comparePlatform: platform };
  const options = measured ? { roots: [exercise.measure], ...compare } : { comparePlatform: null };
  const report = await measure(exercise.code, options);
  if (report.error) {
    return {
      ok: false,
      error:
        report.error.type === "FatalError"
          ? `its code ${report.error.message}`
          : `its code raised ${report.error.message}`,
    };
  }
  const output = report.stdout;
  const values = { output: output.trimEnd() };
  if (measured) values.platform = report.compared_with?.description ?? ""; // "64-bit CPython 3.12"
  const fail = (error) => ({ ok: false, error });
  let answer;
  switch (exercise.kind) {
    case "output":
      if (!output.trim()) return fail("its code prints nothing, so there is nothing to predict");
      answer = output.trimEnd();
      break;
    case "number": {
      const value = Number(lastLine(output));
      if (!output.trim() || !Number.isFinite(value)) return fail("the last line its code prints is not a number");
      answer = String(value);
      break;
    }
    case "choice": {
      const printed = output.trim();
      const index = exercise.choices.indexOf(printed);
      if (index === -1) return fail(`its code prints "${printed.slice(0, 60)}", which is none of the choices`);
      answer = printed;
      break;
    }
    case "identity": {
      const printed = lastLine(output);
      if (printed !== "True" && printed !== "False") return fail("the last line its code prints is not True or False");
      answer = printed;
      break;
    }
    case "bigger": {
      const numbers = output.trim().split(/\s+/).map(Number);
      if (numbers.length !== 2 || !numbers.every(Number.isFinite))
        return fail("its code must print exactly two numbers, in the order of the choices");
      if (numbers[0] === numbers[1]) return fail(`both numbers are ${numbers[0]}: neither is bigger`);
      answer = exercise.choices[numbers[0] > numbers[1] ? 0 : 1];
      values.here = `${numbers[0]} and ${numbers[1]}`;
      break;
    }
    case "bytes": {
      if (measured) {
        const root = report.roots[0];
        if (!root) return fail(`'measure: ${exercise.measure}' names nothing the code made`);
        // allocated: what the allocator reserves for the object itself.
        const size = exercise.size ?? "shallow";
        const pick = (sizes) => (size === "allocated" ? sizes?.allocated?.shallow : sizes?.[size]);
        const measuredHere = size === "allocated" ? root.allocated?.shallow : root[size];
        if (measuredHere === null || measuredHere === undefined)
          return fail(`no ${size} size is known for ${exercise.measure} here`);
        values.here = String(measuredHere);
        const predicted = pick(root.predicted);
        if (predicted === null || predicted === undefined) {
          return fail(`the layout model cannot predict ${exercise.measure} on ${values.platform}`);
        }
        values.predicted = String(predicted);
        answer = platform ? values.predicted : values.here;
      } else {
        const value = Number(lastLine(output));
        if (!Number.isInteger(value) || value < 0)
          return fail("the last line its code prints is not a number of bytes");
        answer = String(value);
        values.here = answer;
      }
      break;
    }
    default:
      return fail(`unknown kind ${exercise.kind}`);
  }
  values.answer = answer;
  for (const name of placeholderNames(exercise.explanation ?? "")) {
    if (values[name] === undefined)
      return fail(`its explanation uses {{${name}}}, which this exercise has no value for`);
  }
  return { ok: true, answer, values };
}

// Values that are numbers Bytewise measured or computed, shown with separators ("100,021");
// the program's own output ({{output}}, and {{answer}} of an output or choice exercise)
// stays as it printed it.
const MEASURED = ["here", "predicted", "before"];
const NUMERIC_ANSWERS = ["number", "bytes", "bigger"];

/** Whole numbers of four digits or more in `text` with thousands separators. */
export function withSeparators(text) {
  return text.replace(/(?<![\w.,])\d{4,}(?![\d.,]*\d)/g, (digits) => Number(digits).toLocaleString("en"));
}

/** The explanation with its {{values}} filled in (plain text: the page sets it as text). */
export function explain(exercise, computed) {
  const shown = { ...computed.values };
  const numeric = NUMERIC_ANSWERS.includes(exercise.kind) || checkedAs(exercise) === "bytes";
  for (const name of [...MEASURED, ...(numeric ? ["answer"] : [])]) {
    if (typeof shown[name] === "string") shown[name] = withSeparators(shown[name]);
  }
  return fillPlaceholders(exercise.explanation, shown);
}

/**
 * Reads a number a student typed: "904", "904 bytes", "~10 MB", "1,024", "2.5 KiB".
 * @returns {{ value: number, approximate: boolean } | null}
 */
export function parseQuantity(text) {
  const match = /^\s*(~|≈|about\s+)?\s*([-+]?[\d,_]*\.?\d+(?:e[-+]?\d+)?)\s*([a-z]+)?\s*$/i.exec(String(text));
  if (!match) return null;
  const digits = match[2].replace(/[,_]/g, "");
  const value = Number(digits);
  if (!Number.isFinite(value)) return null;
  const unit = match[3]?.toLowerCase();
  if (unit !== undefined && !(unit in SIZE_UNITS)) return null;
  return {
    value: value * (unit ? SIZE_UNITS[unit] : 1),
    approximate: Boolean(match[1]) || (unit !== undefined && SIZE_UNITS[unit] > 1),
  };
}

function within(value, target, amount) {
  if (amount === undefined || amount === 0) return value === target;
  const allowed = typeof amount === "string" ? (Math.abs(target) * Number.parseFloat(amount)) / 100 : amount;
  return Math.abs(value - target) <= allowed;
}

/** The kind an exercise's answer is checked as (a step exercise's, by what it asks). */
export function checkedAs(exercise) {
  return exercise.kind === "step" ? STEP_ANSWERS[exercise.ask] : exercise.kind;
}

/**
 * Checks a student's answer against the computed one.
 * @returns {{ correct: boolean, why?: string }}
 */
export function checkAnswer(exercise, input, computed) {
  const text = String(input ?? "").trim();
  if (!text) return { correct: false, why: "Type an answer first." };
  const answer = computed.answer;
  switch (checkedAs(exercise)) {
    case "output": {
      const norm = (s) =>
        s
          .replace(/\r\n?/g, "\n")
          .split("\n")
          .map((l) => l.trimEnd())
          .join("\n")
          .trim();
      return norm(text) === norm(answer) ? { correct: true } : { correct: false, why: "That is not what it prints." };
    }
    case "choice":
    case "bigger":
      return text === answer ? { correct: true } : { correct: false, why: "That is not the one." };
    case "identity": {
      const said = /^(true|yes)$/i.test(text) ? "True" : /^(false|no)$/i.test(text) ? "False" : null;
      if (!said) return { correct: false, why: "Answer True or False." };
      return said === answer ? { correct: true } : { correct: false, why: "Not this time." };
    }
    case "number":
    case "bytes": {
      const q = parseQuantity(text);
      if (!q) return { correct: false, why: 'Type a number, such as 904, "904 bytes" or "~10 MB".' };
      const target = Number(answer);
      // "~10 MB" means about that much: at least the precision the student wrote in.
      const amount = checkedAs(exercise) === "bytes" ? exercise.margin : exercise.tolerance;
      const ok = within(q.value, target, amount) || (q.approximate && within(q.value, target, "10%"));
      return ok ? { correct: true } : { correct: false, why: q.value > target ? "Too many." : "Too few." };
    }
    default:
      return { correct: false, why: "This exercise cannot be checked." };
  }
}
