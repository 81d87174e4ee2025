// Bytewise in Node: loads Pyodide (from the npm package) and the analysis-only core
// (build/wasm/web/bytewise-core.js), installs the Python modules, and returns the same
// measurer the page's worker uses.
//
//   import { openBytewise } from "./web/node-api.js";
//   const bytewise = await openBytewise();
//   const report = bytewise.measure("x = [1, 2, 3]");
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCore } from "./core-node.js";
import { createMeasurer } from "./measure.js";
import { installModules, PYTHON_MODULES } from "./python-runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Python sources of the Bytewise modules, read from web/py. */
export function pythonModuleSources() {
  return Object.fromEntries(PYTHON_MODULES.map((m) => [m, fs.readFileSync(path.join(here, "py", `${m}.py`), "utf8")]));
}

/**
 * @param {{ onOutput?: (stream: string, text: string) => void }} [options]
 * @returns {Promise<ReturnType<typeof createMeasurer> & { pyodide: object, core: object }>}
 */
export async function openBytewise({ onOutput } = {}) {
  const { loadPyodide } = await import("pyodide");
  const [pyodide, core] = await Promise.all([loadPyodide(), loadCore()]);
  installModules(pyodide, pythonModuleSources());
  return { ...createMeasurer({ pyodide, core, onOutput }), pyodide, core };
}
