// The Python worker: loads Pyodide, runs the user's code, captures a snapshot and posts
// its bytes back (transferred, not copied). User code never runs on the page's thread.
//
// Messages in:  { type: "init", pyodideUrl }   { type: "run", id, code }
// Messages out: { type: "progress", stage, fraction }  { type: "ready", python, pyodide }
//               { type: "output", stream, text }        { type: "result", id, snapshot,
//               error, runMs }   { type: "failed", message }
import userSource from "./py/bytewise.py?raw";
import edgesSource from "./py/bytewise_edges.py?raw";
import probeSource from "./py/bytewise_probe.py?raw";
import runnerSource from "./py/bytewise_runner.py?raw";
import tracingSource from "./py/bytewise_tracing.py?raw";
import { installModules, runAndCapture } from "./python-runner.js";

const MODULES = {
  bytewise: userSource,
  bytewise_edges: edgesSource,
  bytewise_probe: probeSource,
  bytewise_runner: runnerSource,
  bytewise_tracing: tracingSource,
};

/** Output beyond this many bytes per run is dropped, with a visible note. */
const OUTPUT_LIMIT_BYTES = 200_000;

let pyodide = null;
let outputBytes = 0;
let outputTruncated = false;
const pending = { stdout: "", stderr: "" };
let flushTimer = 0;

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

function flushOutput() {
  flushTimer = 0;
  for (const stream of ["stdout", "stderr"]) {
    if (pending[stream]) {
      post({ type: "output", stream, text: pending[stream] });
      pending[stream] = "";
    }
  }
}

function makeWriter(stream) {
  const decoder = new TextDecoder();
  return {
    write(bytes) {
      if (outputTruncated) return bytes.length;
      const room = OUTPUT_LIMIT_BYTES - outputBytes;
      const taken = bytes.length > room ? bytes.subarray(0, room) : bytes;
      outputBytes += taken.length;
      pending[stream] += decoder.decode(taken, { stream: true });
      if (taken.length < bytes.length) {
        outputTruncated = true;
        pending[stream] += `\n[output truncated: more than ${OUTPUT_LIMIT_BYTES.toLocaleString("en")} bytes]\n`;
      }
      if (!flushTimer) flushTimer = setTimeout(flushOutput, 30);
      return bytes.length;
    },
  };
}

async function init(pyodideUrl) {
  post({ type: "progress", stage: "Downloading Python", fraction: 0.1 });
  const { loadPyodide } = await import(/* @vite-ignore */ `${pyodideUrl}pyodide.mjs`);
  post({ type: "progress", stage: "Starting CPython", fraction: 0.4 });
  pyodide = await loadPyodide({ indexURL: pyodideUrl });
  post({ type: "progress", stage: "Loading the probe", fraction: 0.9 });
  pyodide.setStdout(makeWriter("stdout"));
  pyodide.setStderr(makeWriter("stderr"));
  installModules(pyodide, MODULES);
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  post({ type: "ready", python, pyodide: pyodide.version });
}

function run(id, code) {
  outputBytes = 0;
  outputTruncated = false;
  const { snapshot, error, runMs } = runAndCapture(pyodide, code);
  flushOutput();
  post({ type: "result", id, snapshot, error, runMs }, [snapshot.buffer]);
}

self.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.type === "init") await init(message.pyodideUrl);
    else if (message.type === "run") run(message.id, message.code);
  } catch (err) {
    flushOutput();
    post({ type: "failed", id: message.id, message: String(err?.message ?? err) });
  }
};
