// One Pyodide instance with the Bytewise modules installed, the core module, and the
// runner and analyser over them, shared by a test file. Loading Pyodide takes seconds: do
// it once per file.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";
import { createAnalyser } from "../../web/analyser.js";
import { loadCore, loadWalker } from "../../web/core-node.js";
import { pythonModuleSources } from "../../web/node-api.js";
import { createMeasurer } from "../../web/measure.js";
import { createRunner, installModules } from "../../web/python-runner.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (p) => fs.readFileSync(path.join(root, p), "utf8");

export async function openSession() {
  const started = performance.now();
  const pyodide = await loadPyodide();
  const loadMs = performance.now() - started;
  installModules(pyodide, {
    ...pythonModuleSources(),
    "reference_sizes.py": read("tests/node/reference_sizes.py"),
    "reference_trace.py": read("tests/node/reference_trace.py"),
  });
  const core = await loadCore();
  const analyser = createAnalyser(core);
  // The walker the hosts give their runners (web/node-child.mjs, web/worker.js); a file
  // that wants the probe's captures alone makes its own runner without one.
  const walker = await loadWalker();
  const runner = createRunner({ pyodide, walker });
  /** Runs `code` with measure() options and returns the run (snapshot and facts). */
  const run = (code, options = {}) => runner.run(code, analyser.check(options));
  return { pyodide, core, walker, analyser, runner, run, loadMs, measurer: createMeasurer({ runner, analyser }) };
}

/**
 * A measurer whose Pyodide runs in this process, for tests that look inside the
 * interpreter (white-box): the measurer's methods plus pyodide, core, runner, analyser.
 * Programs here run with this process's permissions and no time limit; the public API
 * (web/node-api.js openBytewise) runs them in an isolated child process instead.
 */
export async function openInProcess() {
  const session = await openSession();
  return { ...session.measurer, ...session };
}
