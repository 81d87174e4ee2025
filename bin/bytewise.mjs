#!/usr/bin/env node
// The Bytewise command line. Run from the repository after set-up (npm start or npm test
// builds the core):
//
//   npx bytewise measure FILE.py [--json] [--object-cap N] [--roots EXPR,...]
//                                [--follow-types] [--follow-modules] [--follow-globals]
//                                [--follow-code] [--leave-out-shared] [--tracemalloc]
//
// Exit status: 0 when the program ran, 1 when it raised (the report still comes), 2 for
// a usage error (the message says what to fix).
import fs from "node:fs";
import { parseArgs } from "node:util";

const USAGE = `usage: npx bytewise measure FILE.py [--json] [--object-cap N] [--roots EXPR,...]
         [--follow-types] [--follow-modules] [--follow-globals] [--follow-code]
         [--leave-out-shared] [--tracemalloc]`;

function usageError(message) {
  process.stderr.write(`bytewise: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const number = new Intl.NumberFormat("en");

function table(rows, columns, right) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const cell = (value, i) => (right.has(columns[i]) ? String(value).padStart(widths[i]) : String(value).padEnd(widths[i]));
  return [columns.map(cell).join("  "), ...rows.map((r) => columns.map((c, i) => cell(r[c], i)).join("  "))].join("\n");
}

function printReport(report, file) {
  const out = [];
  if (report.platform) out.push(`${file}: measured in ${report.platform.description}`);
  if (report.truncated) out.push(`truncated at ${number.format(report.object_cap)} objects: sizes count only what was captured`);
  if (report.roots.length === 0) {
    out.push("The program defined no variables.");
  } else {
    const rows = report.roots.map((r) => ({
      variable: r.name,
      type: r.type,
      shallow: number.format(r.shallow),
      deep: number.format(r.deep),
      naive: number.format(r.naive),
      retained: r.retained === null ? "-" : number.format(r.retained),
      objects: number.format(r.objects),
    }));
    rows.push({
      variable: "all together",
      type: "",
      shallow: "",
      deep: number.format(report.total.deep),
      naive: number.format(report.total.naive),
      retained: "",
      objects: number.format(report.total.objects),
    });
    out.push(table(rows, ["variable", "type", "shallow", "deep", "naive", "retained", "objects"],
      new Set(["shallow", "deep", "naive", "retained", "objects"])));
    out.push("bytes; deep counts shared objects once, naive counts them per reference, retained is what `del name` frees");
  }
  if (report.tracemalloc) {
    const t = report.tracemalloc;
    if (t.current !== null) out.push(`tracemalloc: ${number.format(t.current)} bytes still allocated, peak ${number.format(t.peak)}`);
    for (const line of t.top_lines) out.push(`  line ${line.line}: ${number.format(line.bytes)} bytes in ${number.format(line.blocks)} blocks  ${line.text}`);
    for (const r of t.regions) out.push(`  region "${r.label}" (line ${r.line}): change ${number.format(r.change)} bytes, peak ${number.format(r.peak)}`);
  }
  for (const d of report.diagnostics) out.push(`note: ${d.code}: ${d.message}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

async function measureCommand(args) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        "object-cap": { type: "string" },
        roots: { type: "string" },
        "follow-types": { type: "boolean" },
        "follow-modules": { type: "boolean" },
        "follow-globals": { type: "boolean" },
        "follow-code": { type: "boolean" },
        "leave-out-shared": { type: "boolean" },
        tracemalloc: { type: "boolean" },
      },
    });
  } catch (err) {
    usageError(err.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) usageError(positionals.length ? `measure takes one file, got ${positionals.length}` : "measure needs a Python file");
  const file = positionals[0];
  let code;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch (err) {
    usageError(err.code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${err.message}`);
  }
  const options = {};
  if (values["object-cap"] !== undefined) {
    const cap = Number(values["object-cap"]);
    if (!Number.isInteger(cap) || cap < 1) usageError(`--object-cap must be a positive whole number, got "${values["object-cap"]}"`);
    options.objectCap = cap;
  }
  if (values.roots !== undefined) options.roots = values.roots.split(",").map((r) => r.trim()).filter(Boolean);
  for (const [flag, key] of [["follow-types", "followTypes"], ["follow-modules", "followModules"], ["follow-globals", "followGlobals"], ["follow-code", "followCode"], ["tracemalloc", "tracemalloc"]]) {
    if (values[flag]) options[key] = true;
  }
  if (values["leave-out-shared"]) options.includeInterpreterShared = false;

  const { openBytewise } = await import("../web/node-api.js");
  const { BytewiseError } = await import("../web/measure.js");
  const json = values.json ?? false;
  let bytewise;
  try {
    bytewise = await openBytewise({ onOutput: json ? undefined : (stream, text) => process[stream].write(text) });
  } catch (err) {
    process.stderr.write(`bytewise: ${err.message}\n`);
    process.exit(2);
  }
  let report;
  try {
    report = bytewise.measure(code, options);
  } catch (err) {
    if (err instanceof BytewiseError) usageError(err.message);
    throw err;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (report.error) process.stderr.write(report.error.traceback);
    printReport(report, file);
  }
  return report.error ? 1 : 0;
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h") {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== "measure") usageError(`unknown command "${command}"`);
measureCommand(rest).then((status) => process.exit(status));
