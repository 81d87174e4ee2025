// The page: editor, Run, output, sizes table and canvas, wired to the Python worker.
//
// Paints at once with the editor usable; Pyodide loads in a module worker meanwhile
// (progress in the header); the canvas module loads in parallel. A run posts the code to
// the worker, which returns snapshot bytes; the app module (core + canvas) analyses them.
import { loadCanvas } from "./canvas.js";
import { createEditor } from "./editor.js";
import { renderSizes, renderTrace } from "./sizes-table.js";
import "./styles.css";

const STORAGE_KEY = "bytewise.code";
const SAMPLE = `import sys

# A list holds pointers to objects, not the objects themselves.
numbers = [1, 2, 3]
word = "memory"
words = [word] * 3          # three pointers to one string

print(sys.getsizeof(numbers))   # the list alone: its header and 3 pointers
`;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = {
  run: /** @type {HTMLButtonElement} */ ($("bw-run")),
  status: $("bw-status-text"),
  progress: /** @type {HTMLProgressElement} */ ($("bw-progress")),
  platform: $("bw-platform"),
  output: $("bw-output"),
  runInfo: $("bw-run-info"),
  table: /** @type {HTMLTableElement} */ ($("bw-sizes")),
  canvas: /** @type {HTMLCanvasElement} */ ($("bw-canvas")),
  canvasError: $("bw-canvas-error"),
  tracemalloc: /** @type {HTMLInputElement} */ ($("bw-tracemalloc")),
  trace: $("bw-trace"),
};

function savedCode() {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? SAMPLE;
  } catch {
    return SAMPLE;
  }
}

function saveCode(text) {
  try {
    localStorage.setItem(STORAGE_KEY, text);
  } catch {
    // Storage can be full or disabled; the code stays in the editor.
  }
}

function setStatus(text, fraction = null) {
  ui.status.textContent = text;
  if (fraction === null) {
    ui.progress.hidden = true;
  } else {
    ui.progress.hidden = false;
    ui.progress.value = fraction;
  }
}

function appendOutput(text, kind) {
  const span = document.createElement("span");
  span.className = `bw-out-${kind}`;
  span.textContent = text;
  ui.output.append(span);
  ui.output.scrollTop = ui.output.scrollHeight;
}

const state = { ready: false, running: false, nextId: 1, canvas: null, lastReport: null };
const editor = createEditor($("bw-editor"), {
  doc: savedCode(),
  onRun: () => run(),
  onChange: saveCode,
});

const canvasReady = loadCanvas(ui.canvas)
  .then((canvas) => {
    state.canvas = canvas;
    return canvas;
  })
  .catch((err) => {
    ui.canvasError.hidden = false;
    ui.canvasError.textContent = `The diagram could not start: ${err.message}. Sizes still need it; reload the page to retry.`;
    throw err;
  });

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let resolveReady;
const pythonReady = new Promise((resolve) => (resolveReady = resolve));

worker.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case "progress":
      setStatus(`${message.stage}…`, message.fraction);
      break;
    case "ready":
      state.ready = true;
      ui.run.disabled = false;
      setStatus(`Python ${message.python} ready`);
      resolveReady(message);
      break;
    case "output":
      appendOutput(message.text, message.stream);
      break;
    case "result":
      showResult(message);
      break;
    case "failed":
      finishRun();
      appendOutput(`Bytewise error: ${message.message}\n`, "stderr");
      if (!state.ready) setStatus("Python could not start. Reload the page to try again.");
      break;
  }
};
worker.onerror = (event) => {
  setStatus(`The Python worker failed: ${event.message}`);
};
worker.postMessage({
  type: "init",
  pyodideUrl: new URL("pyodide/", document.baseURI).href,
  wasmUrl: new URL("wasm/", document.baseURI).href,
});
setStatus("Loading Python…", 0.02);

function run() {
  if (!state.ready || state.running) return;
  state.running = true;
  ui.run.disabled = true;
  ui.run.textContent = "Running…";
  ui.output.replaceChildren();
  ui.runInfo.textContent = "";
  const options = ui.tracemalloc.checked ? { tracemalloc: true } : {};
  worker.postMessage({ type: "run", id: state.nextId++, code: editor.getCode(), options });
}

function finishRun() {
  state.running = false;
  ui.run.disabled = !state.ready;
  ui.run.textContent = "Run";
}

async function showResult({ report, snapshot }) {
  finishRun();
  if (report.error) appendOutput(report.error.traceback, "stderr");
  for (const d of report.diagnostics) appendOutput(`note: ${d.message}\n`, "stderr");
  if (!report.platform) return;
  state.lastReport = report;
  renderSizes(ui.table, report);
  renderTrace(ui.trace, report.tracemalloc);
  ui.platform.textContent = `Measured in ${report.platform.description}`;
  ui.table.caption.textContent = `Sizes in bytes, measured in ${report.platform.description}`;
  const t = report.timings;
  ui.runInfo.textContent =
    `ran in ${t.run_ms.toFixed(0)} ms, captured ${report.objects.toLocaleString("en")} objects in ` +
    `${t.capture_ms.toFixed(0)} ms` +
    (report.truncated ? `, truncated at ${report.object_cap.toLocaleString("en")} objects` : "");
  let canvas;
  try {
    canvas = await canvasReady;
  } catch {
    return;
  }
  const drawn = canvas.show(snapshot);
  if (!drawn.ok) appendOutput(`The diagram could not read the capture: ${drawn.errors[0].message}\n`, "stderr");
}

ui.run.addEventListener("click", run);

// Test and automation hook: read-only views of what the page shows.
globalThis.bytewise = {
  pythonReady,
  canvasReady,
  lastReport: () => state.lastReport,
  drawnBoxes: () => state.canvas?.module.drawnBoxes() ?? [],
  canvasStats: () => state.canvas?.module.canvasStats() ?? null,
  code: () => editor.getCode(),
  setCode: (text) => editor.setCode(text),
};
