#!/usr/bin/env node
// Runs every test layer, in order, and fails if any layer fails. Each layer builds what
// it needs first (incrementally).
//
//   node tools/test.mjs                 all layers
//   node tools/test.mjs native browser  only these
//
// Layers:
//   native   GoogleTest suite of the core, built natively (ctest)
//   wasm     the same suite compiled to wasm, run by Node (ctest)
//   node     real Pyodide + the core wasm: sizes against the interpreter's own answers
//   browser  the served page in Chromium: type, run, read the table, look at the canvas
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildNative, buildSite, buildWasm, ROOT } from "./build.mjs";

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.error) throw new Error(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

const LAYERS = {
  native: async () => {
    buildNative();
    run("ctest", ["--test-dir", path.join("build", "native"), "--output-on-failure"]);
  },
  wasm: async () => {
    buildWasm();
    run("ctest", ["--test-dir", path.join("build", "wasm"), "--output-on-failure"]);
  },
  node: async () => {
    buildWasm();
    run(process.execPath, ["--test", "tests/node/"]);
  },
  browser: async () => {
    await buildSite();
    run(process.execPath, ["--test", "--test-concurrency=1", "tests/browser/"]);
  },
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in LAYERS)) {
    process.stderr.write(`unknown test layer "${name}": use ${Object.keys(LAYERS).join(", ")}\n`);
    process.exit(2);
  }
}
const selected = requested.length ? requested : Object.keys(LAYERS);
const results = [];
for (const name of selected) {
  process.stdout.write(`\n=== test layer: ${name} ===\n`);
  const started = performance.now();
  let error = null;
  try {
    await LAYERS[name]();
  } catch (err) {
    error = err.message;
  }
  results.push({ name, seconds: (performance.now() - started) / 1000, error });
}
process.stdout.write("\n=== summary ===\n");
for (const r of results) {
  const status = r.error ? `FAILED (${r.error})` : "passed";
  process.stdout.write(`${r.name.padEnd(8)} ${status}  ${r.seconds.toFixed(1)} s\n`);
}
process.exit(results.some((r) => r.error) ? 1 : 0);
