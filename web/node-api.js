// Bytewise in Node: loads Pyodide (from the npm package) and the analysis-only core
// (build/wasm/web/bytewise-core.js), installs the Python modules, and returns a measurer
// (web/measure.js) over the same runner the page's worker uses and the same analyser
// (the core's report) the page uses.
//
//   import { openBytewise } from "./web/node-api.js";
//   const bytewise = await openBytewise();
//   const report = bytewise.measure("x = [1, 2, 3]");
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCore } from "./core-node.js";
import { createAnalyser } from "./analyser.js";
import { createMeasurer } from "./measure.js";
import { createRunner, installModules } from "./python-runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Every Python file under web/py, by its path there ("_bytewise/probe.py"), as installModules
 * takes them: the same files the page's worker bundles.
 * @returns {Record<string, string>}
 */
export function pythonModuleSources() {
  const root = path.join(here, "py");
  const files = {};
  const walk = (folder) => {
    const entries = fs.readdirSync(path.join(root, folder), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".py")) files[file] = fs.readFileSync(path.join(root, file), "utf8");
    }
  };
  walk("");
  return files;
}

/**
 * @param {{ onOutput?: (stream: string, text: string) => void, core?: object }} [options]
 *   core: an instantiated bytewise-core module to use (loaded here otherwise)
 * @returns {Promise<ReturnType<typeof createMeasurer> & { pyodide: object, core: object,
 *   runner: ReturnType<typeof createRunner> }>}
 */
export async function openBytewise({ onOutput, core: given } = {}) {
  const { loadPyodide } = await import("pyodide");
  const [pyodide, core] = await Promise.all([loadPyodide(), given ?? loadCore()]);
  installModules(pyodide, pythonModuleSources());
  const runner = createRunner({ pyodide, onOutput });
  return { ...createMeasurer({ runner, analyser: createAnalyser(core) }), pyodide, core, runner };
}
