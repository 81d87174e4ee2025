#!/usr/bin/env node
// The Bytewise command line. Run from the repository after set-up (npm start or npm test
// builds the core):
//
//   npx bytewise measure FILE.py [--json] [measure options]
//   npx bytewise trace FILE.py [--json] [measure options]   memory by line, step by step
//   npx bytewise size "EXPR" [--platform PLATFORM | --platform all]
//   npx bytewise explain "EXPR" NUMBER      which Python prints NUMBER for getsizeof(EXPR)?
//   npx bytewise lessons check [--time-limit N] [FILE.md ...]
//                                           every lesson (default lessons/*.md): parse it, run
//                                           its code, compute every exercise's answer; a block
//                                           may run N seconds (default 10)
//   npx bytewise --help                     every option, with its default and meaning
//
// The measure options, their flags and help, and the platforms come from the core's tables
// (web/analyser.js: core/include/bytewise/options.hpp), as the page's controls do.
// Exit status: 0 on success; 1 when the program raised, the expression failed, the model
// cannot size it, or no platform prints the number; 2 for a usage error (the message says
// what to fix).
import fs from "node:fs";
import { parseArgs } from "node:util";
import { createAnalyser } from "../web/analyser.js";
import { loadCore } from "../web/core-node.js";

let core;
try {
  core = await loadCore();
} catch (err) {
  process.stderr.write(`bytewise: ${err.message}\n`);
  process.exit(2);
}
const analyser = createAnalyser(core);

/** A flag's argument in the usage text. */
function flagArgument(row) {
  if (row.kind === "whole number") return " N";
  if (row.kind === "expressions") return " EXPR,...";
  if (row.kind === "platform") return " PLATFORM|none";
  return "";
}

const MEASURE_FLAGS = analyser.options.map((row) => `[--${row.flag}${flagArgument(row)}]`);
const USAGE = [
  `usage: npx bytewise measure FILE.py [--json] ${MEASURE_FLAGS.slice(0, 3).join(" ")}`,
  ...Array.from(
    { length: Math.ceil((MEASURE_FLAGS.length - 3) / 4) },
    (_, i) => `         ${MEASURE_FLAGS.slice(3 + 4 * i, 7 + 4 * i).join(" ")}`,
  ),
  `       npx bytewise trace FILE.py [--json] [--step-cap N] [measure options]`,
  `       npx bytewise size "EXPR" [--platform PLATFORM|all]`,
  `       npx bytewise explain "EXPR" NUMBER`,
  `       npx bytewise lessons check [--time-limit N] [FILE.md ...]`,
  `       npx bytewise --help`,
].join("\n");

/** Every measure option with its default and meaning, and the platforms. */
function help() {
  const lines = [USAGE, "", "measure options:"];
  for (const row of analyser.options) {
    const range =
      row.kind === "whole number" ? ` (${row.low.toLocaleString("en")} to ${row.high.toLocaleString("en")})` : "";
    const shown = row.flagInverts ? `on unless given` : `default ${JSON.stringify(row.default)}`;
    lines.push(`  --${row.flag}${flagArgument(row)}${range}, ${shown}`, `      ${row.help}`);
  }
  lines.push("", "platforms:");
  for (const p of analyser.platforms) lines.push(`  ${p.name}  ${p.description}${p.default ? " (the default)" : ""}`);
  return lines.join("\n");
}

function usageError(message) {
  process.stderr.write(`bytewise: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** parseArgs's options for the measure flags. */
function measureFlagSpecs() {
  return Object.fromEntries(
    analyser.options.map((row) => [row.flag, { type: row.kind === "boolean" ? "boolean" : "string" }]),
  );
}

/** measure() options from the flags given; the core checks them (analyser.check). */
function measureOptions(values) {
  const options = {};
  for (const row of analyser.options) {
    const value = values[row.flag];
    if (value === undefined) continue;
    if (row.kind === "boolean") {
      options[row.name] = !row.flagInverts;
    } else if (row.kind === "whole number") {
      const n = value.trim() === "" ? NaN : Number(value);
      if (!Number.isFinite(n)) usageError(`--${row.flag} must be a whole number, got "${value}"`);
      options[row.name] = n;
    } else if (row.kind === "expressions") {
      options[row.name] = value
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
    } else if (row.kind === "platform") {
      options[row.name] = value === "none" ? null : value;
    }
  }
  return options;
}

const number = new Intl.NumberFormat("en");

function table(rows, columns, right) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const cell = (value, i) =>
    right.has(columns[i]) ? String(value).padStart(widths[i]) : String(value).padEnd(widths[i]);
  return [columns.map(cell).join("  "), ...rows.map((r) => columns.map((c, i) => cell(r[c], i)).join("  "))].join("\n");
}

function printReport(report, file) {
  const out = [];
  if (report.platform) out.push(`${file}: measured in ${report.platform.description}`);
  const probeStopped = report.diagnostics.some((d) => d.code === "probe.object_cap");
  if (report.truncated)
    out.push(
      probeStopped
        ? "truncated at the Python probe's own limit (see the note below): sizes marked ≥ count only what was captured"
        : `truncated at ${number.format(report.object_cap)} objects (option --object-cap): sizes marked ≥ count only what was captured`,
    );
  if (report.roots.length === 0) {
    out.push("The program defined no variables.");
  } else {
    const there = (bytes, approximate, lower = false) =>
      bytes === null ? "-" : `${lower ? "≥ " : ""}${approximate ? "~" : ""}${number.format(bytes)}`;
    // ≥: the capture stopped short of something the variable reaches (report.roots[].lower_bound)
    const atLeast = (bytes, lower) => `${lower ? "≥ " : ""}${number.format(bytes)}`;
    const rows = report.roots.map((r) => ({
      variable: r.name,
      type: r.type,
      shallow: number.format(r.shallow),
      deep: atLeast(r.deep, r.lower_bound),
      naive: atLeast(r.naive, r.lower_bound),
      // A cut capture can move retained either way: approximate (~) for every variable.
      retained: r.retained === null ? "-" : `${report.total.lower_bound ? "~" : ""}${number.format(r.retained)}`,
      objects: atLeast(r.objects, r.lower_bound),
      "shallow there": r.predicted ? there(r.predicted.shallow, r.predicted.status === "assumed") : "",
      "deep there": r.predicted ? there(r.predicted.deep, r.predicted.assumed_objects > 0, r.lower_bound) : "",
    }));
    const lower = report.total.lower_bound;
    rows.push({
      variable: "all together",
      type: "",
      shallow: "",
      deep: atLeast(report.total.deep, lower),
      naive: atLeast(report.total.naive, lower),
      retained: "",
      objects: atLeast(report.total.objects, lower),
      "shallow there": "",
      "deep there": report.compared_with ? there(report.total.predicted_deep, false, lower) : "",
    });
    const columns = ["variable", "type", "shallow", "deep", "naive", "retained", "objects"];
    if (report.compared_with) columns.push("shallow there", "deep there");
    out.push(table(rows, columns, new Set(columns.slice(2))));
    out.push(
      "bytes; deep counts shared objects once, naive counts them per reference, retained is what `del name` frees",
    );
    if (report.total.lower_bound) {
      out.push("≥ at least this (the capture was cut); ~ retained is approximate when the capture was cut");
    }
    // The object cap is shared between the variables: say what each could not reach.
    const leftOut = report.roots.filter((r) => r.unreached > 0);
    if (leftOut.length > 0) {
      const each = leftOut.map((r) => `${r.name} at least ${number.format(r.unreached)}`).join(", ");
      out.push(`objects the object cap (shared between the variables) left out: ${each}`);
    }
    if (report.compared_with) {
      out.push(
        `"there" is ${report.compared_with.description}, predicted by the layout model (~ assumed, - not modelled)`,
      );
    }
  }
  if (report.tracemalloc) {
    const t = report.tracemalloc;
    if (t.current !== null)
      out.push(`tracemalloc: ${number.format(t.current)} bytes still allocated, peak ${number.format(t.peak)}`);
    for (const line of t.top_lines)
      out.push(
        `  line ${line.line}: ${number.format(line.bytes)} bytes in ${number.format(line.blocks)} blocks  ${line.text}`,
      );
    for (const r of t.regions)
      out.push(
        `  region "${r.label}" (line ${r.line}): change ${number.format(r.change)} bytes, peak ${number.format(r.peak)}`,
      );
  }
  for (const d of report.diagnostics) out.push(`note: ${d.code}: ${d.message}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

/**
 * The arguments of a command that runs one file (measure, trace): its flags (--json and
 * the measure options), the file's text and the options, or a usage error.
 */
function programArguments(command, args) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean" }, ...measureFlagSpecs() },
    });
  } catch (err) {
    usageError(err.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    usageError(
      positionals.length ? `${command} takes one file, got ${positionals.length}` : `${command} needs a Python file`,
    );
  const file = positionals[0];
  let code;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch (err) {
    usageError(err.code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${err.message}`);
  }
  const options = measureOptions(values);
  try {
    analyser.check(options);
  } catch (err) {
    usageError(err.message);
  }
  return { file, code, options, json: values.json ?? false };
}

/** Runs `method` ("measure", "trace") of the Node API on the file's code, printing its output live unless json. */
async function runProgram(method, { code, options, json }) {
  const { openBytewise } = await import("../web/node-api.js");
  const { BytewiseError } = await import("../web/measure.js");
  let bytewise;
  try {
    bytewise = await openBytewise({ core, onOutput: json ? undefined : (stream, text) => process[stream].write(text) });
  } catch (err) {
    process.stderr.write(`bytewise: ${err.message}\n`);
    process.exit(2);
  }
  try {
    return await bytewise[method](code, options);
  } catch (err) {
    if (err instanceof BytewiseError) usageError(err.message);
    throw err;
  } finally {
    bytewise.close();
  }
}

async function measureCommand(args) {
  const program = programArguments("measure", args);
  const { file, json } = program;
  const report = await runProgram("measure", program);
  const stopped = !report.platform && report.diagnostics.some((d) => d.code.startsWith("run."));
  if (!report.platform && !stopped && report.diagnostics.length) {
    usageError(report.diagnostics.map((d) => d.message).join(" "));
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (report.error)
      process.stderr.write(report.error.traceback + (report.error.hint ? `${report.error.hint}\n` : ""));
    if (stopped) process.stderr.write(`bytewise: ${report.diagnostics.map((d) => d.message).join(" ")}\n`);
    else printReport(report, file);
  }
  return report.error || stopped ? 1 : 0;
}

async function sizes(expression) {
  const { openBytewise } = await import("../web/node-api.js");
  const bytewise = await openBytewise({ core });
  let result;
  try {
    result = await bytewise.sizeOf(expression);
  } finally {
    bytewise.close();
  }
  if (result.error) {
    process.stderr.write(`bytewise: ${result.error}\n`);
    process.exit(1);
  }
  return result.sizes;
}

function describe(s) {
  if (s.status === "measured") return "measured in this Pyodide";
  if (s.status === "not modelled") return `not modelled: ${s.rule}`;
  return s.rule ? `${s.status}: ${s.rule}` : s.status;
}

const SIZE_USAGE = 'size takes one Python expression, in quotes: npx bytewise size "[1, 2, 3]"';

/** The expression a command was given first: any text ("-5" too), but not an empty one. */
function expressionArgument(expression, usage) {
  if (expression === undefined || expression.trim() === "") {
    process.stderr.write(`bytewise: ${usage}\n`);
    process.exit(2);
  }
  return expression;
}

async function sizeCommand(args) {
  // The first argument is the expression whatever it looks like ("-5", "-x"); flags follow.
  const expression = expressionArgument(args[0], SIZE_USAGE);
  let parsed;
  try {
    parsed = parseArgs({
      args: args.slice(1),
      allowPositionals: true,
      options: { platform: { type: "string", default: analyser.defaultPlatform } },
    });
  } catch (err) {
    usageError(err.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 0) usageError(SIZE_USAGE);
  const platform = values.platform;
  if (platform !== "all" && !analyser.platforms.some((p) => p.name === platform)) {
    usageError(`unknown platform "${platform}": use ${analyser.platforms.map((p) => p.name).join(", ")}, or all`);
  }
  const all = await sizes(expression);
  if (platform === "all") {
    const rows = all.map((s) => ({
      platform: s.platform,
      getsizeof: s.size === null ? "-" : String(s.size),
      allocated: s.allocated === null ? "-" : `${s.allocatedStatus === "assumed" ? "~" : ""}${s.allocated}`,
      how: describe(s),
    }));
    process.stdout.write(
      `sys.getsizeof(${expression}), and the bytes the allocator reserves for it\n` +
        `${table(rows, ["platform", "getsizeof", "allocated", "how"], new Set(["getsizeof", "allocated"]))}\n`,
    );
    return 0;
  }
  const one = all.find((s) => s.platform === platform);
  if (!one) usageError(`platform "${platform}" is not modelled`);
  if (one.size === null) {
    process.stderr.write(`bytewise: ${expression} on ${one.description}: ${describe(one)}\n`);
    return 1;
  }
  process.stdout.write(`${one.size}${one.status === "assumed" ? `  (assumed: ${one.rule})` : ""}\n`);
  return 0;
}

async function explainCommand(args) {
  const usage = 'explain takes an expression and a number: npx bytewise explain "[1, 2, 3]" 88';
  if (args.length !== 2) usageError(usage);
  const expression = expressionArgument(args[0], usage);
  const text = args[1];
  const wanted = Number(text);
  if (!Number.isInteger(wanted) || wanted < 0) usageError(`"${text}" is not a byte count`);
  const all = await sizes(expression);
  const matches = all.filter((s) => s.size === wanted);
  if (matches.length === 0) {
    const seen = [...new Set(all.filter((s) => s.size !== null).map((s) => s.size))].sort((a, b) => a - b);
    process.stdout.write(
      `No modelled Python prints ${wanted} for sys.getsizeof(${expression}); they print ${seen.join(", ")}.\n`,
    );
    return 1;
  }
  process.stdout.write(`sys.getsizeof(${expression}) == ${wanted} on:\n`);
  for (const s of matches)
    process.stdout.write(`  ${s.description} (${s.platform})${s.status === "assumed" ? `, assuming ${s.rule}` : ""}\n`);
  return 0;
}

/** memory_profiler's table: each line that ran, the memory after it, its increment, how often it ran. */
function printTrace(report, file) {
  const out = [];
  if (report.platform)
    out.push(`${file}: recorded in ${report.platform.description}, ${number.format(report.steps.length)} steps`);
  if (report.truncated)
    out.push(
      `stopped recording after ${number.format(report.step_cap)} steps; the program ran on (--step-cap changes it)`,
    );
  const signed = (n) => `${n > 0 ? "+" : ""}${number.format(n)}`;
  const rows = report.lines.map((l) => ({
    line: String(l.line),
    "objects after": number.format(l.memory_after),
    increment: signed(l.increment),
    "tracemalloc after": number.format(l.traced_after),
    "tracemalloc +": signed(l.traced_increment),
    occurrences: number.format(l.occurrences),
    "line contents": l.text,
  }));
  const columns = [
    "line",
    "objects after",
    "increment",
    "tracemalloc after",
    "tracemalloc +",
    "occurrences",
    "line contents",
  ];
  out.push(table(rows, columns, new Set(columns.slice(0, 6))));
  out.push("bytes; objects: the deep size of every frame's variables together; tracemalloc: its current");
  process.stdout.write(`${out.join("\n")}\n`);
}

async function traceCommand(args) {
  const program = programArguments("trace", args);
  const report = await runProgram("trace", program);
  const stopped = report.diagnostics.some((d) => d.code.startsWith("run."));
  if (program.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (report.error)
      process.stderr.write(report.error.traceback + (report.error.hint ? `${report.error.hint}\n` : ""));
    for (const d of report.diagnostics) process.stderr.write(`bytewise: ${d.message}\n`);
    printTrace(report, program.file);
  }
  return report.error || stopped ? 1 : 0;
}

// Lessons: each file parsed (web/lessons.js), each Python block run, each exercise's answer
// computed here and for the default compared platform (web/lesson-answers.js). Problems
// are printed as file:line: message; exit 1 if there is any.
const LESSON_PLATFORMS = [null, analyser.defaultPlatform];
/** Seconds each lesson block may run: lessons show small programs. */
const LESSON_TIME_LIMIT = 10;

async function lessonsCommand(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { "time-limit": { type: "string" } } });
  } catch (err) {
    usageError(err.message);
  }
  const [sub, ...files] = parsed.positionals;
  if (sub !== "check") usageError('lessons takes "check": npx bytewise lessons check [FILE.md ...]');
  const limitFlag = parsed.values["time-limit"];
  const timeLimit = limitFlag === undefined ? LESSON_TIME_LIMIT : Number(limitFlag);
  if (limitFlag !== undefined && (limitFlag.trim() === "" || !Number.isFinite(timeLimit)))
    usageError(`--time-limit must be a whole number of seconds, got "${limitFlag}"`);
  try {
    analyser.check({ timeLimit });
  } catch (err) {
    usageError(err.message);
  }
  const path = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const lessonDir = path.join(root, "lessons");
  const targets = files.length
    ? files
    : fs
        .readdirSync(lessonDir)
        .filter((f) => f.endsWith(".md") && f !== "README.md")
        .sort()
        .map((f) => path.relative(process.cwd(), path.join(lessonDir, f)));
  if (targets.length === 0) usageError("no lesson files to check");
  const { parseLesson, formatLessonError } = await import("../web/lessons.js");
  const { computeAnswer } = await import("../web/lesson-answers.js");
  const { openBytewise } = await import("../web/node-api.js");
  const bytewise = await openBytewise({ core });
  // Code that kills Pyodide (deep recursion through C) or runs past its time is a problem
  // of its lesson, and the check goes on in a fresh interpreter.
  const measure = async (code, options) => {
    const report = await bytewise.measure(code, { timeLimit, ...options });
    const stopped = !report.platform && report.diagnostics.find((d) => d.code.startsWith("run."));
    if (!stopped) return report;
    const message =
      stopped.code === "run.time_limit"
        ? `was still running after the time limit of ${timeLimit} s (--time-limit changes it)`
        : stopped.message.replace(/^Python crashed/, "crashed Python");
    return { error: { type: "FatalError", message } };
  };
  // Step exercises are answered from a recorded run, under the same time limit.
  const trace = async (code, options) => {
    const report = await bytewise.trace(code, { timeLimit, ...options });
    const stopped = report.diagnostics.find((d) => d.code === "run.time_limit" || d.code === "run.crashed");
    return stopped ? { ...report, error: { type: "FatalError", message: stopped.message } } : report;
  };
  const problems = [];
  const orders = new Map();
  let exercises = 0;
  for (const file of targets) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      problems.push(`${file}:1: cannot be read (${err.code ?? err.message})`);
      continue;
    }
    const { lesson, errors } = parseLesson(text, file);
    problems.push(...errors.map(formatLessonError));
    if (!lesson) continue;
    const clash = orders.get(lesson.meta.order);
    if (clash)
      problems.push(`${file}:1: front matter: order ${lesson.meta.order} is also ${clash}'s; give each lesson its own`);
    orders.set(lesson.meta.order, file);
    for (const block of lesson.blocks) {
      if (block.type === "code") {
        const report = await measure(block.code, { comparePlatform: null });
        if (report.error) {
          const what = report.error.type === "FatalError" ? report.error.message : `raised ${report.error.message}`;
          problems.push(`${file}:${block.line}: the code block ${what}`);
        }
      } else if (block.type === "exercise") {
        exercises += 1;
        // A step exercise's answer is this browser's Python's, whatever the platform.
        for (const platform of block.kind === "step" ? [null] : LESSON_PLATFORMS) {
          const computed = await computeAnswer(block, measure, { platform, trace });
          if (!computed.ok) {
            problems.push(`${file}:${block.line}: exercise${platform ? ` (for ${platform})` : ""}: ${computed.error}`);
            break;
          }
        }
      }
    }
  }
  bytewise.close();
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stdout.write(
    `${targets.length} lesson${targets.length === 1 ? "" : "s"}, ${exercises} exercises: ` +
      `${problems.length ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : "all answers computed"}\n`,
  );
  return problems.length ? 1 : 0;
}

const COMMANDS = {
  measure: measureCommand,
  trace: traceCommand,
  size: sizeCommand,
  explain: explainCommand,
  lessons: lessonsCommand,
};
const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h") {
  process.stdout.write(`${command === undefined ? USAGE : help()}\n`);
  process.exit(command === undefined ? 2 : 0);
}
if (!(command in COMMANDS)) usageError(`unknown command "${command}"`);
COMMANDS[command](rest).then(
  (status) => process.exit(status),
  (err) => {
    // A fault of Bytewise's own: one line, not a stack of minified code.
    process.stderr.write(`bytewise: ${command} failed: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
