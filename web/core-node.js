// Loads the analysis-only core module (build/wasm/web/bytewise-core.js) in Node.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CORE_JS = path.join(root, "build", "wasm", "web", "bytewise-core.js");
export const CORE_WASM = path.join(root, "build", "wasm", "web", "bytewise-core.wasm");

/** @returns {Promise<object>} an instantiated bytewise-core module */
export async function loadCore() {
  if (!fs.existsSync(CORE_JS)) {
    throw new Error(`${CORE_JS} is missing: build it with "node tools/build.mjs wasm".`);
  }
  const require = createRequire(import.meta.url);
  const createBytewiseCore = require(CORE_JS);
  // Node's fetch cannot read file paths; hand the wasm bytes over directly.
  return createBytewiseCore({ wasmBinary: fs.readFileSync(CORE_WASM) });
}
