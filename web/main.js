// The page: editor, Run and Stop, output, sizes table and canvas, wired to the Python
// worker through the sandbox (web/sandbox.js).
//
// Paints at once with the editor usable; Pyodide loads in a module worker meanwhile
// (progress in the header); the canvas module loads in parallel. A run posts the code to
// the worker, which returns snapshot bytes; the app module (core + canvas) analyses them.
import { loadCanvas } from "./canvas.js";
import { createEditor } from "./editor.js";
import { checkFootprintSizes, checkSmallIntRange, footprintSeries } from "./measure.js";
import { DEFAULT_TIME_LIMIT_MS, RECYCLE_HEAP_BYTES, Sandbox } from "./sandbox.js";
import { createFrameHost } from "./frame-host.js";
import { createCodeKeeper } from "./code-history.js";
import { WALKER_FILES, WORKER_FILES } from "./pyodide-files.js";
import FRAME_SCRIPT from "./sandbox-frame.js?raw";
import WORKER_URL from "./worker.js?worker&url";
import { decodeShare, encodeShare } from "./share.js";
import { createLessons } from "./lesson-view.js";
import { enableOffline } from "./offline.js";
import { setupLayout } from "./layout.js";
import { renderSizes, renderTrace } from "./sizes-table.js";
import { setupStepping } from "./stepping-page.js";
import "./styles.css";

const COMPARE_KEY = "bytewise.compare";
const TIME_LIMIT_KEY = "bytewise.timeLimit";
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
  stepRun: /** @type {HTMLButtonElement} */ ($("bw-step-run")),
  stop: /** @type {HTMLButtonElement} */ ($("bw-stop")),
  share: /** @type {HTMLButtonElement} */ ($("bw-share")),
  lessons: $("bw-lessons"),
  lessonsToggle: /** @type {HTMLButtonElement} */ ($("bw-lessons-toggle")),
  timeLimit: /** @type {HTMLInputElement} */ ($("bw-time-limit")),
  heap: $("bw-heap"),
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
  history: /** @type {HTMLSelectElement} */ ($("bw-history")),
};

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

/** Fills the platform picker from the core's table, keeping the remembered (or shared) choice. */
function fillPlatforms({ platforms, defaultPlatform }) {
  const known = (name) => name === "" || platforms.some((p) => p.name === name);
  const wanted = state.sharedCompare ?? recall(COMPARE_KEY, defaultPlatform);
  ui.compare.replaceChildren(new Option("nothing (this browser only)", ""));
  for (const p of platforms) ui.compare.append(new Option(p.description, p.name));
  ui.compare.value = known(wanted) ? wanted : defaultPlatform;
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

let outputScroll = 0; // the frame that scrolls the output to its end, once per frame

/** Adds text to the output, as a span per run of one kind (stdout, stderr, notice). */
function appendOutput(text, kind) {
  const last = ui.output.lastElementChild;
  const run = last && last === ui.output.lastChild && last.className === `bw-out-${kind}` ? last.lastChild : null;
  if (run?.nodeType === Node.TEXT_NODE) {
    run.appendData(text);
  } else {
    const span = document.createElement("span");
    span.className = `bw-out-${kind}`;
    span.textContent = text;
    ui.output.append(span);
  }
  outputScroll ||= requestAnimationFrame(() => {
    outputScroll = 0;
    ui.output.scrollTop = ui.output.scrollHeight;
  });
}

const layout = setupLayout({
  storage: {
    getItem: (key) => recall(key, null),
    setItem: remember,
  },
  tables: [ui.table, /** @type {HTMLTableElement} */ ($("bw-trace-lines"))],
});

// lastRun: the last run's snapshot and facts, analysed again when "Compare with" changes.
const state = { ready: false, running: false, canvas: null, lastReport: null, lastRun: null, lastOptions: null };
// The user's own code and its history: a shared program or a lesson's code never
// overwrites it (web/code-history.js).
const keeper = createCodeKeeper(
  (() => {
    try {
      return localStorage;
    } catch {
      return { getItem: () => null, setItem: () => {} };
    }
  })(),
  { sample: SAMPLE },
);
/** Stepping through a recorded run (set up below, once the sandbox is). */
let stepping = null;
const editor = createEditor($("bw-editor"), {
  doc: keeper.current(),
  onRun: () => run(),
  onChange: (text) => {
    keeper.edited(text);
    stepping?.codeChanged();
  },
});

/** The "Earlier code" menu: the user's own earlier versions, newest first. */
function fillHistory() {
  const entries = keeper.history().filter((e) => e.code !== editor.getCode());
  const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
  ui.history.replaceChildren(new Option(entries.length ? "Earlier code…" : "No earlier code", ""));
  for (const [i, e] of entries.entries()) {
    const first = e.code.split("\n").find((line) => line.trim()) ?? "";
    ui.history.append(new Option(`${when.format(e.at)}: ${first.slice(0, 40)}`, String(i)));
  }
  ui.history.disabled = entries.length === 0;
  ui.history.entries = entries;
}
ui.history.addEventListener("change", () => {
  const entry = ui.history.entries?.[Number(ui.history.value)];
  if (ui.history.value !== "" && entry) editor.setCode(keeper.reopen(entry.code, editor.getCode()));
  fillHistory();
});
fillHistory();

// What the canvas asks of the page: data only the worker's Python has, and the PNG. The
// X-ray decodes in the app module; the page only carries memory from the worker to it.
function onCanvasRequest(name, detail) {
  const module = state.canvas?.module;
  if (!module) return;
  if (name === "xrayMemory") {
    if (state.snapshotGeneration !== sandbox.generation) {
      // The objects lived in a worker that has been replaced since: their addresses now
      // hold something else.
      module.xrayMemoryFailed(
        detail.request,
        "Python restarted since this run, so its objects are gone. Run the code again to X-ray them.",
      );
      return;
    }
    request("memory", { ranges: detail.ranges }).then(
      (regions) => module.xrayMemory(detail.request, regions),
      (err) => module.xrayMemoryFailed(detail.request, String(err?.message ?? err)),
    );
  } else if (name === "footprints") {
    footprints().then(
      (data) => module.setFootprints(data),
      (err) => appendOutput(`Footprints failed: ${err.message}\n`, "stderr"),
    );
  } else if (name === "smallInts") {
    smallInts().then(
      (data) => module.setSmallInts(data),
      (err) => appendOutput(`Small ints failed: ${err.message}\n`, "stderr"),
    );
  } else if (name === "pngReady") {
    state.lastPng = detail;
    state.pngs = (state.pngs ?? 0) + 1;
  } else if (name === "sizesTable") {
    // The canvas's Panels menu: the sizes table is the page's own.
    ui.table.scrollIntoView({ block: "nearest", behavior: "smooth" });
    ui.table.focus({ preventScroll: true });
    state.sizesAsked = (state.sizesAsked ?? 0) + 1;
  }
}

const canvasReady = loadCanvas(ui.canvas, { onRequest: onCanvasRequest })
  .then((canvas) => {
    state.canvas = canvas;
    fillPlatforms(canvas.analyser);
    // The controls' help is the option table's.
    const help = (name) => canvas.analyser.options.find((o) => o.name === name)?.help ?? "";
    ui.tracemalloc.closest("label").title = help("tracemalloc");
    ui.compare.title = help("comparePlatform");
    return canvas;
  })
  .catch((err) => {
    ui.canvasError.hidden = false;
    ui.canvasError.textContent = `The diagram could not start: ${err.message}. Sizes still need it; reload the page to retry.`;
    throw err;
  });

// Python runs in workers of an opaque-origin frame (web/frame-host.js): nothing a
// program does can reach this page's storage, its service worker or its protocol.
const frameHost = createFrameHost({
  script: FRAME_SCRIPT,
  workerUrl: WORKER_URL,
  baseUrl: document.baseURI,
  files: WORKER_FILES,
  optionalFiles: WALKER_FILES.map((file) => `wasm/${file}`),
});
const sandbox = new Sandbox({
  createWorker: () => frameHost.createWorker(),
  canInterrupt: frameHost.canInterrupt,
  onEvent: onSandboxEvent,
});
const pythonReady = sandbox.ready;
// How long Python took to load on this machine last time, said while it loads.
const LOAD_MS_KEY = "bytewise.loadMs";
const lastLoadMs = Number(recall(LOAD_MS_KEY, ""));
const loadHint =
  Number.isFinite(lastLoadMs) && lastLoadMs > 0
    ? ` (about ${Math.max(1, Math.round(lastLoadMs / 1000))} s last time)`
    : " (usually 3 to 10 s the first time; runs asked for now start by themselves)";
setStatus(`Loading Python…${loadHint}`, 0.02);

function request(type, options) {
  return sandbox.request(type, options);
}

/** The analyser of the app module: every number on the page comes from it. */
async function analyser() {
  return (await canvasReady).analyser;
}

/** The small-int explorer's table: ids from the worker's Python, read by the core. */
async function smallInts(range = {}) {
  const a = await analyser();
  const { low, high } = checkSmallIntRange(a.experiments.smallInts, range);
  const probe = a.check({ roots: ["None"] });
  const { run, ids } = await request("smallInts", { probe, low, high });
  return a.smallInts(run, ids);
}

/** Footprints over N: captures from the worker's Python, sized by the core. */
async function footprints() {
  const a = await analyser();
  const sizes = checkFootprintSizes(a.experiments.footprints);
  return footprintSeries(a, await request("footprints", { sizes, probe: a.check({}) }));
}

function formatMB(bytes) {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function showHeap() {
  ui.heap.textContent = sandbox.heapBytes ? `Python heap ${formatMB(sandbox.heapBytes)}` : "";
}

function onSandboxEvent(event) {
  switch (event.type) {
    case "progress":
      setStatus(`${event.stage}…${state.loaded ? "" : loadHint}`, event.fraction);
      break;
    case "ready":
      state.ready = true;
      if (!state.loaded && Number.isFinite(event.ms)) remember(LOAD_MS_KEY, String(Math.round(event.ms)));
      state.loaded = true;
      state.lastRestartMs = event.restart ? event.ms : state.lastRestartMs;
      setStatus(
        event.restart
          ? `Python ${event.python} ready again (restarted in ${(event.ms / 1000).toFixed(1)} s)`
          : `Python ${event.python} ready`,
      );
      showHeap();
      if (!state.running) ui.run.disabled = ui.stepRun.disabled = false;
      if (state.runWhenReady && !state.running) {
        state.runWhenReady = false;
        run();
      } else if (state.stepWhenReady && !state.running) {
        const { at } = state.stepWhenReady;
        state.stepWhenReady = null;
        stepping.stepThrough({ at, keepOutput: true });
      }
      break;
    case "restarting":
      state.ready = false;
      ui.run.disabled = ui.stepRun.disabled = true;
      setStatus("Restarting Python…", 0.1);
      break;
    case "output":
      appendOutput(event.text, event.stream);
      break;
    case "startFailed":
      setStatus("Python could not start. Reload the page to try again.");
      appendOutput(`Python could not start: ${event.message}\n`, "stderr");
      break;
  }
}

/** Seconds from the limit field, remembered; 0 or empty: no limit. */
function timeLimitMs() {
  const text = ui.timeLimit.value.trim();
  const seconds = Number(text);
  if (text === "" || !Number.isFinite(seconds) || seconds < 0) {
    // Not a limit: the default, said on the page, never "no limit".
    ui.timeLimit.value = String(DEFAULT_TIME_LIMIT_MS / 1000);
    appendOutput(
      `The time limit "${text}" is not a number of seconds from 0 (no limit) to 600: it is ` +
        `${DEFAULT_TIME_LIMIT_MS / 1000} s for this run.\n`,
      "notice",
    );
    return DEFAULT_TIME_LIMIT_MS;
  }
  return Math.min(seconds, 600) * 1000;
}
ui.timeLimit.value = recall(TIME_LIMIT_KEY, String(DEFAULT_TIME_LIMIT_MS / 1000));
ui.timeLimit.addEventListener("change", () => remember(TIME_LIMIT_KEY, ui.timeLimit.value));

async function run() {
  if (state.running) return;
  if (!state.ready) {
    // Asked for while Python loads (Ctrl+Enter): it runs as soon as Python is ready.
    if (!state.runWhenReady) {
      state.runWhenReady = true;
      ui.output.replaceChildren();
      appendOutput("Python is still starting: your program runs as soon as it is ready.\n", "notice");
    }
    return;
  }
  state.running = true;
  ui.run.disabled = ui.stepRun.disabled = true;
  ui.stop.disabled = false;
  ui.run.textContent = "Running…";
  ui.output.replaceChildren();
  ui.runInfo.textContent = "";
  const options = { comparePlatform: compareOption(), ...state.captureCaps };
  if (ui.tracemalloc.checked) options.tracemalloc = true;
  const limit = timeLimitMs();
  let probe;
  try {
    probe = (await analyser()).check(options);
  } catch (err) {
    finishRun();
    appendOutput(`Bytewise error: ${err.message}\n`, "stderr");
    return;
  }
  stepping.hide(); // the steps of another run: its keys and Play would redraw the output
  const outcome = await sandbox.run(editor.getCode(), probe, { timeLimitMs: limit });
  finishRun();
  if (outcome.kind === "result") {
    sayStopped(outcome.stopped, limit);
    await showResult(outcome.run, options, { stopped: outcome.stopped });
  }
  sayOutcome(outcome, limit);
  countOutcome(outcome);
  showHeap();
}

// Stepping through a recorded run (web/stepping-page.js).
stepping = setupStepping({
  editor,
  sandbox,
  analyser,
  output: {
    clear: () => ui.output.replaceChildren(),
    append: appendOutput,
    text: () => ui.output.textContent,
    nodes: () => [...ui.output.childNodes],
    show: (nodes) => {
      ui.output.replaceChildren(...nodes);
      ui.output.scrollTop = ui.output.scrollHeight;
    },
  },
  runs: {
    begin() {
      if (state.running || !state.ready) return false;
      state.running = true;
      ui.run.disabled = ui.stepRun.disabled = true;
      ui.stop.disabled = false;
      ui.stepRun.textContent = "Recording…";
      ui.runInfo.textContent = "";
      return true;
    },
    end(outcome) {
      finishRun();
      countOutcome(outcome);
    },
    info: (text) => {
      ui.runInfo.textContent = text;
    },
    options: () => ({ ...state.captureCaps, ...state.stepCaps }),
    timeLimitMs,
    sayOutcome,
    afterRecording(outcome) {
      showHeap();
      if (outcome.kind !== "result" || !sandbox.recycleIfLarge()) return null;
      return recycledText(outcome.heapBytes, "The steps stay");
    },
  },
});
ui.stepRun.addEventListener("click", () => stepping.stepThrough());

/** What the output says when Stop or the time limit ended a run that still gave a result. */
function sayStopped(stopped, limit) {
  if (!stopped) return;
  const limitText = `${(limit / 1000).toLocaleString("en")} s`;
  appendOutput(
    stopped === "time limit"
      ? `Stopped: the program was still running after the time limit of ${limitText} (change it next to Run).\n`
      : "Stopped.\n",
    "notice",
  );
}

/** What the page says when a run's heap was big enough to restart Python; `kept`: what stays. */
function recycledText(heapBytes, kept) {
  return (
    `Python's heap had grown to ${formatMB(heapBytes)}, and a WebAssembly heap never shrinks: ` +
    `Python is restarting to give the memory back. ${kept}; the next run starts fresh.`
  );
}

/** Counts an ended run or recording for the test hook (outcomes, lastOutcome). */
function countOutcome(outcome) {
  state.outcomes = (state.outcomes ?? 0) + 1;
  state.lastOutcome = { kind: outcome.kind, stopped: outcome.stopped ?? outcome.reason ?? null };
}

/** What the output says about a run's outcome other than its results; heap recycling. */
function sayOutcome(outcome, limit) {
  const limitText = `${(limit / 1000).toLocaleString("en")} s`;
  if (outcome.kind === "result") {
    if (sandbox.recycleIfLarge()) {
      appendOutput(`${recycledText(outcome.heapBytes, "The results above stay")}\n`, "notice");
    }
  } else if (outcome.kind === "stopped" && !outcome.restarted) {
    appendOutput("Stopped before the program started: nothing ran.\n", "notice");
  } else if (outcome.kind === "stopped") {
    appendOutput(
      (outcome.reason === "time limit"
        ? `Stopped: the program was still running after the time limit of ${limitText}`
        : "Stopped") + ", inside a call Python could not interrupt. Python is restarting; your code is kept.\n",
      "notice",
    );
  } else if (outcome.kind === "crashed") {
    appendOutput(
      `Python crashed (${outcome.message}). It is restarting by itself; your code is kept. ` +
        "Deep recursion or a structure nested thousands of levels deep can do this.\n",
      "stderr",
    );
  } else {
    appendOutput(`Bytewise error: ${outcome.message}\n`, "stderr");
    if (sandbox.recycleIfLarge()) {
      appendOutput(
        `Python's heap had grown to ${formatMB(sandbox.heapBytes)}: Python is restarting to give the memory back.\n`,
        "notice",
      );
    }
  }
}

function stop() {
  if (state.running) sandbox.stop("stop");
}

function finishRun() {
  state.running = false;
  ui.run.disabled = ui.stepRun.disabled = !state.ready;
  ui.stop.disabled = true;
  ui.run.textContent = "Run";
  ui.stepRun.textContent = "Step through";
}

function showReport(report) {
  state.lastReport = report;
  state.reports = (state.reports ?? 0) + 1;
  renderSizes(ui.table, report);
  renderTrace(ui.trace, report.tracemalloc);
  layout.fitTables();
  ui.platform.textContent =
    `Measured in ${report.platform.description}` +
    (report.compared_with ? `; compared with ${report.compared_with.description}` : "");
  ui.platform.title = ui.platform.textContent; // the line is cut short on a narrow screen
  ui.table.caption.textContent = `Sizes in bytes, measured in ${report.platform.description}`;
  const t = report.timings;
  ui.runInfo.textContent =
    `ran in ${t.run_ms.toFixed(0)} ms, captured ${report.objects.toLocaleString("en")} objects in ` +
    `${t.capture_ms.toFixed(0)} ms` +
    (report.truncated ? `, truncated at ${report.object_cap.toLocaleString("en")} objects` : "");
}

async function showResult(run, options, { stopped = null } = {}) {
  let canvas;
  try {
    canvas = await canvasReady;
  } catch {
    return;
  }
  const report = canvas.analyser.report(run, options, { show: true });
  canvas.module.setPresenter(presenterOn());
  // A Stop's KeyboardInterrupt was said above ("Stopped."); one the program raised itself
  // is its own error, shown like any other.
  if (report.error && !(stopped && report.error.type === "KeyboardInterrupt")) {
    appendOutput(report.error.traceback, "stderr");
    if (report.error.hint) appendOutput(`${report.error.hint}\n`, "notice");
  }
  for (const d of report.diagnostics) appendOutput(`note: ${d.message}\n`, "stderr");
  if (!report.platform) return;
  state.lastRun = run;
  state.lastOptions = options;
  state.snapshotGeneration = sandbox.generation;
  showReport(report);
}

// Another platform to compare with: the same capture analysed again by the same function,
// keeping the canvas's view (the program does not run again).
async function recompare() {
  remember(COMPARE_KEY, ui.compare.value);
  if (!state.lastRun) return;
  const options = { ...state.lastOptions, comparePlatform: compareOption() };
  const report = (await analyser()).report(state.lastRun, options, { show: true, keepView: true });
  if (!report.platform) return;
  state.lastOptions = options;
  showReport(report);
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
  document.documentElement.classList.toggle("bw-presenter", on);
  layout.fitTables();
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
canvasReady.then(
  (canvas) => canvas.module.setPresenter(presenterOn()),
  () => {},
);
// Embed mode (?embed=1): editor, Run and canvas only, for an iframe in a tutorial.
const EMBEDDED = new URLSearchParams(location.search).get("embed") === "1";
if (EMBEDDED) document.body.classList.add("bw-embed");

// Lessons (lessons/*.md, bundled as text): their exercises run in the same worker, one at
// a time with the reader's own runs, and print nothing to the output pane.
async function exclusive(task) {
  const waitUntil = performance.now() + 60_000;
  while (state.running || !state.ready) {
    if (performance.now() > waitUntil) throw new Error("Python has been busy or starting for a minute; try again");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  state.running = true;
  ui.run.disabled = ui.stepRun.disabled = true;
  try {
    return await task();
  } finally {
    state.running = false;
    ui.run.disabled = ui.stepRun.disabled = !state.ready;
  }
}

async function lessonMeasure(code, options) {
  const failed = (why) => ({ error: { type: "RuntimeError", message: why } });
  try {
    return await exclusive(async () => {
      const a = await analyser();
      const outcome = await sandbox.run(code, a.check(options), { timeLimitMs: DEFAULT_TIME_LIMIT_MS, quiet: true });
      if (outcome.kind === "result") return a.report(outcome.run, options);
      return failed(`the code did not finish (${outcome.kind}${outcome.message ? `: ${outcome.message}` : ""})`);
    });
  } catch (err) {
    return failed(err.message);
  }
}

async function lessonTrace(code, options) {
  const failed = (why) => ({ error: { type: "RuntimeError", message: why }, steps: [], lines: [], diagnostics: [] });
  try {
    return await exclusive(async () => {
      const a = await analyser();
      const probe = a.check(options);
      const outcome = await sandbox.trace(code, probe, { timeLimitMs: DEFAULT_TIME_LIMIT_MS, quiet: true });
      if (outcome.kind !== "result") {
        return failed(`the code did not finish (${outcome.kind}${outcome.message ? `: ${outcome.message}` : ""})`);
      }
      return a.trace(outcome.steps, code, outcome.run.facts, options, {
        truncated: outcome.run.truncated,
        stopped: [],
      });
    });
  } catch (err) {
    return failed(err.message);
  }
}

const lessons = createLessons({
  root: ui.lessons,
  sources: Object.fromEntries(
    Object.entries(import.meta.glob("../lessons/[0-9]*.md", { query: "?raw", import: "default", eager: true })).map(
      ([file, text]) => [file.replace(/^\.\.\//, ""), text],
    ),
  ),
  storage: (() => {
    try {
      return localStorage;
    } catch {
      return { getItem: () => null, setItem: () => {} };
    }
  })(),
  measure: lessonMeasure,
  trace: lessonTrace,
  platform: () => compareOption(),
  platformName: () =>
    ui.compare.value === ""
      ? "this browser's Python"
      : (ui.compare.selectedOptions[0]?.textContent ?? ui.compare.value),
  openInSandbox: (code) => {
    keeper.openShared(code, editor.getCode());
    editor.setCode(code);
    fillHistory();
    $("bw-editor").scrollIntoView({ block: "nearest" });
    $("bw-editor").querySelector(".cm-content")?.focus();
  },
  openSteps: (code, at) => {
    keeper.openShared(code, editor.getCode());
    editor.setCode(code);
    fillHistory();
    stepping.stepThrough({ at });
  },
  onChange: (id) => {
    state.lesson = id;
  },
});

function showLessons(on) {
  ui.lessons.hidden = !on;
  ui.lessonsToggle.setAttribute("aria-expanded", String(on));
}
ui.lessonsToggle.addEventListener("click", () => showLessons(ui.lessons.hidden));
document.addEventListener("keydown", (event) => {
  if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyL") {
    event.preventDefault();
    showLessons(ui.lessons.hidden);
  }
});

// Share links (web/share.js): the program and its options in the URL's fragment.
async function share() {
  const limit = Number(ui.timeLimit.value);
  const result = await encodeShare({
    code: editor.getCode(),
    compare: compareOption(),
    tracemalloc: ui.tracemalloc.checked,
    // A link never turns its reader's limit off: no limit is not shared.
    ...(Number.isInteger(limit) && limit >= 1 && limit <= 600 ? { timeLimit: limit } : {}),
    ...(state.lesson && !ui.lessons.hidden ? { lesson: state.lesson } : {}),
    // While stepping, the link opens the program stepped through at the same step.
    ...(stepping.index() !== null ? { step: stepping.index() } : {}),
  });
  if (!result.ok) {
    appendOutput(`${result.error}\n`, "stderr");
    return;
  }
  history.replaceState(null, "", result.link);
  let copied = false;
  try {
    await navigator.clipboard.writeText(location.href);
    copied = true;
  } catch {
    // No clipboard permission: the link is in the address bar.
  }
  appendOutput(
    copied
      ? "The link to this program is copied (and in the address bar).\n"
      : "The link to this program is in the address bar: copy it from there.\n",
    "notice",
  );
  state.sharedLink = location.href;
}

/** Opens the program a share link carries; the user's own code is kept to restore. */
async function openShared() {
  const result = await decodeShare(location.hash);
  if (result === null) return;
  if (!result.ok) {
    appendOutput(`${result.error}\n`, "stderr");
    state.shareError = result.error;
    return;
  }
  const { payload } = result;
  const hadOwn = keeper.openShared(payload.code, editor.getCode());
  editor.setCode(payload.code);
  fillHistory();
  if (payload.tracemalloc !== undefined) ui.tracemalloc.checked = payload.tracemalloc;
  if (payload.timeLimit !== undefined) ui.timeLimit.value = String(payload.timeLimit);
  if (payload.compare !== undefined) {
    state.sharedCompare = payload.compare ?? "";
    // Once the picker is filled the link's platform is chosen at once (share.js checked the name).
    if ([...ui.compare.options].some((o) => o.value === state.sharedCompare)) ui.compare.value = state.sharedCompare;
  }
  if (payload.step !== undefined) {
    // Recorded as soon as Python is ready, then shown at the link's step.
    if (state.ready && !state.running) stepping.stepThrough({ at: payload.step, keepOutput: true });
    else state.stepWhenReady = { at: payload.step };
  }
  if (payload.lesson !== undefined) {
    if (lessons.open(payload.lesson)) showLessons(true);
    else
      appendOutput(
        `The link names a lesson "${payload.lesson}" that this version of Bytewise does not have.\n`,
        "stderr",
      );
  }
  const note = document.createElement("span");
  note.className = "bw-out-notice";
  note.textContent = hadOwn
    ? "Opened a shared program. Your own code is kept (and under Earlier code):"
    : "Opened a shared program.\n";
  ui.output.append(note);
  if (hadOwn) {
    const restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "Restore my code";
    restore.addEventListener("click", () => {
      editor.setCode(keeper.reopen(keeper.own(), editor.getCode()));
      fillHistory();
      restore.disabled = true;
    });
    ui.output.append(restore, document.createTextNode("\n"));
  }
  state.sharedOpened = true;
}

// Once Python is up (so its files were fetched), keep a copy of everything for offline use.
const offlineReady = pythonReady.then(() => enableOffline());

ui.run.addEventListener("click", run);
ui.share.addEventListener("click", share);
openShared();
window.addEventListener("hashchange", openShared); // a share link pasted into this tab
ui.stop.addEventListener("click", stop);
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Escape" && state.running) {
      event.preventDefault();
      stop();
    }
  },
  { capture: true },
);

// Test and automation hook: read-only views of what the page shows.
globalThis.bytewise = {
  pythonReady,
  canvasReady,
  lastReport: () => state.lastReport,
  lastOutcome: () => state.lastOutcome ?? null,
  lessons: () => ({
    count: lessons.lessons.length,
    problems: lessons.problems.length,
    current: lessons.current(),
    open: !ui.lessons.hidden,
    progress: lessons.progress(),
  }),
  openLesson: (id) => {
    showLessons(true);
    return lessons.open(id);
  },
  embedded: () => EMBEDDED,
  offlineReady: () => offlineReady,
  share: () => ({
    opened: state.sharedOpened ?? false,
    error: state.shareError ?? null,
    link: state.sharedLink ?? null,
  }),
  outcomes: () => state.outcomes ?? 0,
  running: () => state.running,
  sandbox: () => ({
    ready: state.ready,
    restarts: sandbox.restarts,
    spareReady: Boolean(sandbox.spare?.isReady),
    heapBytes: sandbox.heapBytes,
    canInterrupt: sandbox.canInterrupt,
    lastRestartMs: state.lastRestartMs ?? null,
    recycleBytes: RECYCLE_HEAP_BYTES,
  }),
  reportsShown: () => state.reports ?? 0,
  smallInts: async (options) => {
    await pythonReady;
    return smallInts(options);
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
  pngsMade: () => state.pngs ?? 0,
  xrayFields: () => state.canvas?.module.xrayFields() ?? [],
  presenter: () => presenterOn(),
  layout: () => ({ codeWidth: layout.codeWidth(), codeHidden: layout.codeHidden(), sizesAsked: state.sizesAsked ?? 0 }),
  // Stepping: the report shown, the step, what the page draws of it.
  steps: () => stepping.shown(),
  setStepCap: (stepCap) => {
    state.stepCaps = stepCap === undefined ? {} : { stepCap };
  },
  code: () => editor.getCode(),
  setCode: (text) => editor.setCode(text),
  // Caps for the next runs ({ objectCap, edgeCap }, checked like any option when a run
  // starts): what a cut capture shows, without a program of ten million objects.
  setCaptureCaps: ({ objectCap, edgeCap } = {}) => {
    state.captureCaps = Object.fromEntries(
      Object.entries({ objectCap, edgeCap }).filter(([, value]) => value !== undefined),
    );
  },
};
