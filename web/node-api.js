// Bytewise in Node: the analysis-only core (build/wasm/web/bytewise-core.js) here, and
// Pyodide with the Bytewise Python modules in an isolated child process; a measurer
// (web/measure.js) over them gives the same reports the page does.
//
//   import { openBytewise } from "./web/node-api.js";
//   const bytewise = await openBytewise();
//   const report = await bytewise.measure("x = [1, 2, 3]");
//   bytewise.close();
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCore } from "./core-node.js";
import { createAnalyser } from "./analyser.js";
import { createMeasurer } from "./measure.js";
import { createChildRunner } from "./node-runner.js";

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
 * Bytewise for scripts: every program runs in a child process that cannot touch the host
 * (web/node-runner.js) and is stopped at its time limit (option timeLimit, 30 s unless
 * given); the analysis runs here, in the core module. Every method returns a Promise.
 * Call close() when done (it ends the child process).
 * @param {{ onOutput?: (stream: string, text: string) => void, core?: object }} [options]
 *   core: an instantiated bytewise-core module to use (loaded here otherwise)
 * @returns {Promise<ReturnType<typeof createMeasurer> & { core: object, close: () => void }>}
 */
export async function openBytewise({ onOutput, core: given } = {}) {
  const core = given ?? (await loadCore());
  const runner = createChildRunner({ onOutput });
  return { ...createMeasurer({ runner, analyser: createAnalyser(core) }), core, close: () => runner.close() };
}
