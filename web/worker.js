// The Python worker: loads Pyodide, runs the user's code through the runner
// (web/python-runner.js, the same one Node uses) and posts the run's snapshot bytes
// (transferred, not copied) and facts. It holds no core: every number is computed by the
// page's analyser from what this worker sends. User code never runs on the page's
// thread; web/sandbox.js owns this worker, stops it and replaces it.
//
// It runs in the sandbox frame (web/sandbox-frame.js), an opaque origin: it can reach no
// storage of the app's. The frame's first message, { type: "connect", port, files,
// interruptBuffer }, hands over the page's MessagePort and Pyodide's files (bytes: this
// worker fetches nothing). Every message below travels on that port, which this module
// keeps to itself: a program that posts to the worker's global scope reaches nobody.
//
// Messages in:  { type: "init" }    { type: "run", id, code, probe }    { type: "prepare", id }
//               { type: "smallInts", id, options: { probe, low, high } }
//               { type: "footprints", id, options: { sizes, probe } }    (the canvas's windows)
//               { type: "memory", id, options: { ranges: [{ address, length }] } }
//                   (bytes of Pyodide's heap for the X-ray, which the page's app module decodes)
// Messages out: { type: "progress", stage, fraction }    { type: "ready", python, pyodide, heapBytes }
//               { type: "output", stream, text }          { type: "phase", id, phase: "capture" }
//               { type: "result", id, run: { snapshot, facts }, heapBytes }
//               { type: <request type>, id, result }      { type: "failed", id, message }
//                   (smallInts: { run, ids }; footprints: { structures, peaks }; memory:
//                   [{ address, bytes }]; their byte buffers transferred)
//               { type: "fatal", id, message }            (the interpreter is dead: replace the worker)
import { createRunner, installModules } from "./python-runner.js";

// Every Python file under web/py, bundled by Vite, by its path there ("_bytewise/probe.py").
const PYTHON_FILES = Object.fromEntries(
  Object.entries(import.meta.glob("./py/**/*.py", { query: "?raw", import: "default", eager: true })).map(
    ([file, source]) => [file.slice("./py/".length), source],
  ),
);

/** Where Pyodide believes its files are: they are served from memory (servedFetch). */
const INDEX_URL = "https://pyodide.invalid/";

let runner = null;
let walkerProblem = null; // why the heap walker did not load, if it did not
let post = null; // the page's port's postMessage, bound when the frame connects
let starting = null; // the init promise: other messages wait for it
let interrupts = null; // Int32Array on a SharedArrayBuffer, shared with the page
// Output goes to the page from the write handler itself, at once: a timer cannot fire
// while Python runs, so anything held back for batching would wait for the program's next
// write, or its end (a print before a long sleep). The output limits (python-runner.js)
// bound the messages to a few thousand per run; the page paints them once per frame.
// Only a dying interpreter's stack dump is held back: the crash that follows trims it.
const pending = { stdout: "", stderr: "" };

function flushOutput() {
  for (const stream of ["stdout", "stderr"]) {
    if (pending[stream]) {
      post({ type: "output", stream, text: pending[stream] });
      pending[stream] = "";
    }
  }
}

let dead = false; // after a fatal error: what Pyodide still writes is its crash report
let dying = false; // Pyodide has begun writing a fatal error's stack

function onOutput(stream, text) {
  if (dead) return;
  if (text.includes("Stack (most recent call first):")) dying = true;
  if (dying) pending[stream] += text;
  else post({ type: "output", stream, text });
}

/** A fetch that answers only for Pyodide's own files, from the bytes the page sent. */
function servedFetch(files) {
  const types = { ".wasm": "application/wasm", ".zip": "application/zip", ".json": "application/json" };
  return async (input) => {
    const url = String(input?.url ?? input);
    const name = url.startsWith(INDEX_URL) ? url.slice(INDEX_URL.length) : null;
    if (name === null || !(name in files)) throw new TypeError(`${url} is not one of Python's files`);
    const type = types[name.slice(name.lastIndexOf("."))] ?? "text/javascript";
    return new Response(files[name], { headers: { "Content-Type": type } });
  };
}

/**
 * The core's heap walker (bytewise-walker.js/.wasm, web/native-capture.js), from the bytes
 * the page sent. Its script is Emscripten's UMD factory, which names the factory in a
 * `var`: as a module of its own (a blob, like Pyodide's) it needs one export added. A
 * walker that does not load leaves every capture to the Python probe; runs still work,
 * and each report says why (its capture.reason).
 */
async function loadWalker(files) {
  if (!files["bytewise-walker.js"] || !files["bytewise-walker.wasm"]) {
    walkerProblem = "the heap walker's files did not load (wasm/bytewise-walker.js and .wasm)";
    return null;
  }
  try {
    const source = `${new TextDecoder().decode(files["bytewise-walker.js"])}\nexport default createBytewiseWalker;\n`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const { default: createBytewiseWalker } = await import(/* @vite-ignore */ url);
    URL.revokeObjectURL(url);
    return await createBytewiseWalker({ wasmBinary: files["bytewise-walker.wasm"] });
  } catch (err) {
    walkerProblem = `the heap walker did not load in this browser: ${err?.message ?? err}`;
    return null;
  }
}

async function init({ files, interruptBuffer }) {
  post({ type: "progress", stage: "Starting CPython", fraction: 0.4 });
  const moduleUrl = (name) => URL.createObjectURL(new Blob([files[name]], { type: "text/javascript" }));
  const [{ loadPyodide }, { default: createPyodideModule }] = await Promise.all([
    import(/* @vite-ignore */ moduleUrl("pyodide.mjs")),
    import(/* @vite-ignore */ moduleUrl("pyodide.asm.mjs")),
  ]);
  globalThis.fetch = servedFetch(files);
  const pyodide = await loadPyodide({
    indexURL: INDEX_URL,
    createPyodideModule,
    lockFileContents: new TextDecoder().decode(files["pyodide-lock.json"]),
    // Python's `js` module: an empty object, not this worker's global scope.
    jsglobals: Object.freeze(Object.create(null)),
  });
  post({ type: "progress", stage: "Loading the probe", fraction: 0.9 });
  installModules(pyodide, PYTHON_FILES);
  if (interruptBuffer) {
    interrupts = interruptBuffer;
    pyodide.setInterruptBuffer(interruptBuffer);
  }
  // The first capture would otherwise pay for importing platform and sysconfig.
  pyodide.runPython("import _bytewise.probe; _bytewise.probe.platform_facts()");
  const walker = await loadWalker(files);
  runner = createRunner({ pyodide, onOutput, walker, walkerProblem });
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  post({ type: "ready", python, pyodide: pyodide.version, heapBytes: runner.heapBytes() });
}

// Requests answered with { type, id, result }: the canvas's windows and its X-ray's memory.
// Each gives back the buffers its result can hand over instead of copying.
const REQUESTS = {
  // Before a run reuses this worker: the last run's objects freed (their finalizers run
  // now, under the page's own bound) and the interpreter put back.
  prepare: () => [runner.prepare(), []],
  smallInts: ({ probe, low, high }) => {
    const run = runner.run("", probe);
    const result = { run, ids: runner.smallIntIds(low, high) };
    return [result, [run.snapshot.buffer]];
  },
  footprints: ({ sizes, probe }) => {
    const result = runner.footprints(sizes, probe);
    return [result, result.structures.map((s) => s.snapshot.buffer)];
  },
  // The last run's namespace keeps its objects alive until the next run.
  memory: ({ ranges }) => {
    const result = runner.memory(ranges);
    return [result, result.map((region) => region.bytes.buffer)];
  },
};

function run({ id, code, probe }) {
  // The user's code is over once the probe starts: a Stop that comes now must not spoil
  // the capture, so the page is told, and a stale interrupt is cleared.
  const onCapture = () => {
    if (interrupts) Atomics.store(interrupts, 0, 0);
    post({ type: "phase", id, phase: "capture" });
  };
  const result = runner.run(code, probe, { onCapture });
  flushOutput();
  post({ type: "result", id, run: result, heapBytes: runner.heapBytes() }, [result.snapshot.buffer]);
}

// A recorded run (web/python-runner.js trace): each step goes to the page as it is
// recorded, so that a run stopped by replacing this worker keeps the steps it had.
function trace({ id, code, probe, stepCap }) {
  const onStep = (step) => post({ type: "step", id, step }, [step.snapshot.buffer]);
  const result = runner.trace(code, probe, { stepCap, onStep });
  flushOutput();
  post({ type: "result", id, run: result, heapBytes: runner.heapBytes() });
}

/** Pyodide marks errors that leave the interpreter unusable. */
function isFatal(err) {
  return Boolean(err?.pyodide_fatal_error) || err instanceof WebAssembly.RuntimeError;
}

let connection = null; // { files, interruptBuffer } from the frame

async function onPortMessage(event) {
  const message = event.data;
  try {
    if (message.type === "init") {
      starting = init(connection);
      connection = null;
      await starting;
      return;
    }
    await starting;
    if (message.type === "run") run(message);
    else if (message.type === "trace") trace(message);
    else if (message.type in REQUESTS) {
      const [result, transfer] = REQUESTS[message.type](message.options ?? {});
      post({ type: message.type, id: message.id, result }, transfer);
    }
  } catch (err) {
    const text = String(err?.message ?? err);
    if (isFatal(err)) {
      // Pyodide writes the dying interpreter's whole stack to stderr (some of it after
      // this point); the page explains the crash in one line instead.
      dead = true;
      for (const stream of ["stdout", "stderr"]) {
        // it goes to stdout in Pyodide 314
        const dump = pending[stream].indexOf("Stack (most recent call first):");
        if (dump !== -1) pending[stream] = pending[stream].slice(0, dump);
      }
      flushOutput();
      post({ type: "fatal", id: message.id, message: text });
      port.onmessage = null; // nothing more can run here
      return;
    }
    flushOutput();
    let heapBytes;
    try {
      heapBytes = runner?.heapBytes();
    } catch {
      heapBytes = undefined;
    }
    post({ type: "failed", id: message.id, message: text, heapBytes });
  }
}

let port = null;
self.onmessage = (event) => {
  const message = event.data;
  if (port || message?.type !== "connect" || !(message.port instanceof MessagePort)) return;
  self.onmessage = null;
  port = message.port;
  // Bound now: a program that replaces MessagePort.prototype.postMessage cannot see the port.
  const send = MessagePort.prototype.postMessage.bind(port);
  post = (reply, transfer = []) => send(reply, transfer);
  connection = { files: message.files, interruptBuffer: message.interruptBuffer };
  port.onmessage = onPortMessage;
};
