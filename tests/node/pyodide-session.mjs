// One Pyodide instance with the Bytewise modules installed, and the core module, shared
// by a test file. Loading Pyodide takes seconds: do it once per file.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";
import { loadCore } from "../../web/core-node.js";
import { installModules, PYTHON_MODULES } from "../../web/python-runner.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (p) => fs.readFileSync(path.join(root, p), "utf8");

export async function openSession() {
  const started = performance.now();
  const pyodide = await loadPyodide();
  const loadMs = performance.now() - started;
  const modules = Object.fromEntries(PYTHON_MODULES.map((m) => [m, read(`web/py/${m}.py`)]));
  modules.reference_sizes = read("tests/node/reference_sizes.py");
  installModules(pyodide, modules);
  const core = await loadCore();
  return { pyodide, core, loadMs };
}
