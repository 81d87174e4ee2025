// Loads the core's modules in Node: the analysis-only core (build/wasm/web/bytewise-core.js)
// and the heap walker (bytewise-walker.js), which runs where Pyodide runs.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = path.join(root, "build", "wasm", "web");
export const CORE_JS = path.join(built, "bytewise-core.js");
export const CORE_WASM = path.join(built, "bytewise-core.wasm");
export const WALKER_JS = path.join(built, "bytewise-walker.js");
export const WALKER_WASM = path.join(built, "bytewise-walker.wasm");

async function load(js, wasm) {
  if (!fs.existsSync(js) || !fs.existsSync(wasm)) {
    throw new Error(`${fs.existsSync(js) ? wasm : js} is missing: build it with "node tools/build.mjs wasm".`);
  }
  const require = createRequire(import.meta.url);
  const factory = require(js);
  // Node's fetch cannot read file paths; hand the wasm bytes over directly.
  return factory({ wasmBinary: fs.readFileSync(wasm) });
}

/** @returns {Promise<object>} an instantiated bytewise-core module */
export function loadCore() {
  return load(CORE_JS, CORE_WASM);
}

/** @returns {Promise<object>} an instantiated bytewise-walker module */
export function loadWalker() {
  return load(WALKER_JS, WALKER_WASM);
}
