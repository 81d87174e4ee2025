// The Node host's child process: Pyodide and the runner (web/python-runner.js), in a
// process that cannot touch the host. web/node-runner.js starts it with Node's
// permission model (files readable only where Pyodide and these modules live, nothing
// writable, no child processes or workers) and with code generation from strings turned
// off (no eval: pyodide.code.run_js fails). Before Pyodide loads, what could reach the
// network or load native code is removed from this process's globals, and Python's `js`
// module is an empty object. User code runs here; the core and every report stay in the
// parent.
//
// Messages in (process.send, structured clone): { id, method, args }, method one of the
// runner's: prepare, run, trace, footprints, smallIntIds, listConstruction, memory, heapBytes.
// Messages out: { type: "ready" } once, { type: "output", stream, text } as the program
// prints, { type: "phase", phase: "capture" } when the program has ended and the capture
// starts, { id, result } or { id, error: { message, fatal } } per call.
import fs from "node:fs";
import os from "node:os";
import { loadWalker } from "./core-node.js";
import { pythonModuleSources } from "./node-api.js";
import { createRunner, installModules } from "./python-runner.js";

const send = process.send.bind(process);

// Pyodide's Node set-up asks process.binding for fs and os constants, which the
// permission model refuses; nothing else may have it.
process.binding = (name) => {
  if (name === "constants") return { fs: fs.constants, os: os.constants };
  throw new Error(`process.binding("${name}") is not available here`);
};

/** What a program could use to reach the network or native code, gone before it runs. */
function scrubGlobals() {
  for (const name of ["fetch", "WebSocket", "EventSource", "XMLHttpRequest", "Request", "Response"]) {
    delete globalThis[name];
  }
  for (const name of ["getBuiltinModule", "dlopen", "_linkedBinding", "binding", "kill", "chdir", "abort"]) {
    try {
      Object.defineProperty(process, name, {
        value: () => {
          throw new Error(`process.${name} is not available to programs`);
        },
        configurable: false,
        writable: false,
      });
    } catch {
      // Not configurable in this Node: the permission model still applies.
    }
  }
}

const { loadPyodide } = await import("pyodide");
const pyodide = await loadPyodide({ jsglobals: Object.freeze(Object.create(null)) });
installModules(pyodide, pythonModuleSources());
scrubGlobals();
// A dying Pyodide prints its whole stack (tens of kilobytes of minified code); the parent
// reports the crash in one sentence instead.
console.error = () => {};
console.warn = () => {};
// The heap walker captures here, beside Pyodide (web/native-capture.js); one that does not
// load leaves the captures to the Python probe, and each report says why.
let walker = null;
let walkerProblem = null;
try {
  walker = await loadWalker();
} catch (err) {
  walkerProblem = `the heap walker did not load: ${err?.message ?? err}`;
}
const runner = createRunner({
  pyodide,
  walker,
  walkerProblem,
  onOutput: (stream, text) => send({ type: "output", stream, text }),
});

const METHODS = {
  prepare: () => runner.prepare(),
  // The program's time ends where the capture begins (the capture runs none of its code).
  run: (code, probe) => runner.run(code, probe, { onCapture: () => send({ type: "phase", phase: "capture" }) }),
  // Each step goes to the parent as it is recorded: a trace killed by the time limit keeps them.
  trace: (code, probe, stepCap) =>
    runner.trace(code, probe, { stepCap, onStep: (step) => send({ type: "step", step }) }),
  footprints: (sizes, probe) => runner.footprints(sizes, probe),
  smallIntIds: (low, high) => runner.smallIntIds(low, high),
  listConstruction: (expression) => runner.listConstruction(expression),
  memory: (ranges) => runner.memory(ranges),
  heapBytes: () => runner.heapBytes(),
};

process.on("message", ({ id, method, args }) => {
  try {
    if (!(method in METHODS)) throw new Error(`unknown method ${method}`);
    send({ id, result: METHODS[method](...args) });
  } catch (err) {
    // A run or prepare that fails has left the interpreter in a state nothing vouches for
    // (a program can break Bytewise's own Python): this process ends, a fresh one follows.
    const fatal =
      Boolean(err?.pyodide_fatal_error) ||
      err instanceof WebAssembly.RuntimeError ||
      method === "run" ||
      method === "trace" ||
      method === "prepare";
    const message = String(err?.message ?? err)
      .split("\n")
      .slice(-3)
      .join("\n");
    // The answer must reach the parent before this process ends.
    send({ id, error: { message, fatal } }, fatal ? () => process.exit(70) : undefined);
  }
});
send({ type: "ready" });
