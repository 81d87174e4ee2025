// The page: editor, Run, output, sizes table and canvas, wired to the Python worker.
//
// Paints at once with the editor usable; Pyodide loads in a module worker meanwhile
// (progress in the header); the canvas module loads in parallel. A run posts the code to
// the worker, which returns snapshot bytes; the app module (core + canvas) analyses them.
import { loadCanvas } from "./canvas.js";
import { createEditor } from "./editor.js";
import { buildReport, DEFAULT_COMPARE_PLATFORM } from "./measure.js";
import { renderSizes, renderTrace } from "./sizes-table.js";
import "./styles.css";

const STORAGE_KEY = "bytewise.code";
const COMPARE_KEY = "bytewise.compare";
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
  compare: /** @type {HTMLSelectElement} */ ($("bw-compare")),
  trace: $("bw-trace"),
  presenter: /** @type {HTMLButtonElement} */ ($("bw-presenter")),
};

function savedCode() {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? SAMPLE;
  } catch {
    return SAMPLE;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage can be full or disabled; the page keeps working without it.
  }
}

function recall(key, fallback) {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

function saveCode(text) {
  remember(STORAGE_KEY, text);
}

/** Fills the platform picker from the core's list, keeping the remembered choice. */
function fillPlatforms(platforms) {
  const wanted = recall(COMPARE_KEY, DEFAULT_COMPARE_PLATFORM);
  ui.compare.replaceChildren(new Option("nothing (this browser only)", ""));
  for (const p of platforms) ui.compare.append(new Option(p.description, p.name));
  ui.compare.value = platforms.some((p) => p.name === wanted) || wanted === "" ? wanted : DEFAULT_COMPARE_PLATFORM;
}

function compareOption() {
  return ui.compare.value === "" ? null : ui.compare.value;
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

const state = { ready: false, running: false, nextId: 1, canvas: null, lastReport: null, lastSnapshot: null };
const editor = createEditor($("bw-editor"), {
  doc: savedCode(),
  onRun: () => run(),
  onChange: saveCode,
});

// What the canvas asks of the page: data only the worker's Python has, and the PNG.
function onCanvasRequest(name, detail) {
  const module = state.canvas?.module;
  if (!module) return;
  const failed = (err) => ({ ok: false, errors: [{ code: "page.request", offset: null, message: String(err?.message ?? err) }] });
  if (name === "xray") {
    request("xray", detail).then((result) => module.showXray(result), (err) => module.showXray(failed(err)));
  } else if (name === "footprints") {
    request("footprints", {}).then((data) => module.setFootprints(data), (err) => appendOutput(`Footprints failed: ${err.message}\n`, "stderr"));
  } else if (name === "smallInts") {
    request("smallInts", {}).then((data) => module.setSmallInts(data), (err) => appendOutput(`Small ints failed: ${err.message}\n`, "stderr"));
  } else if (name === "pngReady") {
    state.lastPng = detail;
  }
}

const canvasReady = loadCanvas(ui.canvas, { onRequest: onCanvasRequest })
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

// Requests other than runs, by id, until the worker answers.
const pending = new Map();
function settle(id, action) {
  const request = pending.get(id);
  if (!request) return false;
  pending.delete(id);
  action(request);
  return true;
}
function request(type, options) {
  const id = state.nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type, id, options });
  });
}

worker.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case "progress":
      setStatus(`${message.stage}…`, message.fraction);
      break;
    case "ready":
      fillPlatforms(message.platforms);
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
    case "smallInts":
    case "footprints":
    case "xray":
      settle(message.id, (request) => request.resolve(message.result));
      break;
    case "failed":
      if (settle(message.id, (request) => request.reject(new Error(message.message)))) break;
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
  const options = { comparePlatform: compareOption() };
  if (ui.tracemalloc.checked) options.tracemalloc = true;
  worker.postMessage({ type: "run", id: state.nextId++, code: editor.getCode(), options });
}

function finishRun() {
  state.running = false;
  ui.run.disabled = !state.ready;
  ui.run.textContent = "Run";
}

function showReport(report) {
  state.lastReport = report;
  state.reports = (state.reports ?? 0) + 1;
  renderSizes(ui.table, report);
  renderTrace(ui.trace, report.tracemalloc);
  ui.platform.textContent = `Measured in ${report.platform.description}` +
    (report.compared_with ? `; compared with ${report.compared_with.description}` : "");
  ui.table.caption.textContent = `Sizes in bytes, measured in ${report.platform.description}`;
  const t = report.timings;
  ui.runInfo.textContent =
    `ran in ${t.run_ms.toFixed(0)} ms, captured ${report.objects.toLocaleString("en")} objects in ` +
    `${t.capture_ms.toFixed(0)} ms` +
    (report.truncated ? `, truncated at ${report.object_cap.toLocaleString("en")} objects` : "");
}

async function showResult({ report, snapshot }) {
  finishRun();
  if (report.error) appendOutput(report.error.traceback, "stderr");
  for (const d of report.diagnostics) appendOutput(`note: ${d.message}\n`, "stderr");
  if (!report.platform) return;
  state.lastSnapshot = snapshot;
  showReport(report);
  let canvas;
  try {
    canvas = await canvasReady;
  } catch {
    return;
  }
  const drawn = canvas.show(snapshot, { comparePlatform: report.compared_with?.platform ?? null, allocated: true });
  canvas.module.setPresenter(presenterOn());
  if (!drawn.ok) appendOutput(`The diagram could not read the capture: ${drawn.errors[0].message}\n`, "stderr");
}

// Another platform to compare with: the same capture, analysed again here (the program
// does not run again).
async function recompare() {
  remember(COMPARE_KEY, ui.compare.value);
  const last = state.lastReport;
  if (!last || !state.lastSnapshot) return;
  let canvas;
  try {
    canvas = await canvasReady;
  } catch {
    return;
  }
  const started = performance.now();
  const core = canvas.show(state.lastSnapshot, { comparePlatform: compareOption(), allocated: true }, { keepView: true });
  if (!core.ok) return;
  const t = last.timings;
  showReport(buildReport(core,
    { error: last.error, tracemalloc: last.tracemalloc, runMs: t.run_ms, captureMs: t.capture_ms },
    { stdout: last.stdout, stderr: last.stderr, analyzeMs: performance.now() - started }));
}

ui.compare.addEventListener("change", recompare);

// Presenter mode: large type and high contrast on the page and in the canvas, for a
// projector. The button and Alt+P toggle it; the choice is remembered.
const PRESENTER_KEY = "bytewise.presenter";
function presenterOn() {
  return document.body.classList.contains("bw-presenter");
}
function setPresenter(on) {
  document.body.classList.toggle("bw-presenter", on);
  ui.presenter.setAttribute("aria-pressed", String(on));
  remember(PRESENTER_KEY, on ? "1" : "");
  state.canvas?.module.setPresenter(on);
}
ui.presenter.addEventListener("click", () => setPresenter(!presenterOn()));
document.addEventListener("keydown", (event) => {
  if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyP") {
    event.preventDefault();
    setPresenter(!presenterOn());
  }
});
if (recall(PRESENTER_KEY) === "1") setPresenter(true);
canvasReady.then((canvas) => canvas.module.setPresenter(presenterOn()), () => {});
ui.run.addEventListener("click", run);

// Test and automation hook: read-only views of what the page shows.
globalThis.bytewise = {
  pythonReady,
  canvasReady,
  lastReport: () => state.lastReport,
  reportsShown: () => state.reports ?? 0,
  smallInts: async (options) => {
    await pythonReady;
    return request("smallInts", options);
  },
  drawnBoxes: () => state.canvas?.module.drawnBoxes() ?? [],
  canvasStats: () => state.canvas?.module.canvasStats() ?? null,
  canvasAction: (action, arg) => state.canvas?.module.canvasAction(action, arg),
  frameTimes: () => state.canvas?.module.frameTimes() ?? [],
  exportPng: () => {
    state.lastPng = null;
    state.canvas?.module.exportPng();
  },
  lastPng: () => state.lastPng ?? null,
  presenter: () => presenterOn(),
  code: () => editor.getCode(),
  setCode: (text) => editor.setCode(text),
};
