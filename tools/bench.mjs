#!/usr/bin/env node
// Benchmarks, printed beside the budgets in DESIGN.md. Not part of npm test: timings
// belong in benchmarks, with ratios to a baseline measured in the same run.
//
//   node tools/bench.mjs core [--callgrind]
//   node tools/bench.mjs capture
//   node tools/bench.mjs canvas
//   node tools/bench.mjs output
//
// core: the core's analyses on a synthetic 1,000,000-object, 2,000,000-reference heap,
// natively (Google Benchmark) and in wasm under Node (the same workload). Budgets apply to
// wasm on the Python-like heap; the random heap is a stress case without a budget.
// --callgrind also prints native instruction counts (stable from run to run).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildNative, buildSite, buildWasm, ROOT } from "./build.mjs";

const BUDGETS_MS = {
  deep_shared_per_type: 150,
  "deep_shared_per_type + dominators_only": 400,
};

function capture(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ");
  return [
    line(columns),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c]))),
  ].join("\n");
}

function nativeResults(graph) {
  const out = capture(path.join("build", "native", "tests", "core_bench"), ["--benchmark_format=json"], {
    BYTEWISE_BENCH_GRAPH: graph,
  });
  const json = JSON.parse(out);
  return Object.fromEntries(json.benchmarks.map((b) => [b.name, b.real_time]));
}

function wasmResults() {
  const out = capture(process.execPath, [
    "--no-experimental-fetch",
    path.join("build", "wasm", "tests", "core_bench_wasm.js"),
  ]);
  const rows = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const byGraph = {};
  for (const r of rows) (byGraph[r.graph] ??= {})[r.step] = r.ms;
  return byGraph;
}

function callgrind() {
  // One run of each step under callgrind is too slow for 1M objects on every step; the
  // wasm-free native driver is the Google Benchmark binary filtered to one benchmark.
  const steps = ["setup_only", "baseline_walk", "load_and_validate", "deep_shared_per_type", "dominators_only"];
  const counts = {};
  for (const step of steps) {
    const out = spawnSync(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        path.join(ROOT, "build", "native", "tests", "core_bench"),
        `--benchmark_filter=^${step}$`,
        "--benchmark_min_time=0.000001",
      ],
      { encoding: "utf8" },
    );
    const match = /Collected : (\d+)/.exec(out.stderr ?? "");
    if (!match) throw new Error(`callgrind printed no instruction count for ${step}:\n${out.stderr}`);
    counts[step] = Number(match[1]);
  }
  // Each run also builds the heap; setup_only measures that part alone.
  return steps.slice(1).map((step) => ({
    step,
    instructions: (counts[step] - counts.setup_only).toLocaleString("en"),
    "per object": ((counts[step] - counts.setup_only) / 1e6).toFixed(0),
    "vs baseline": ((counts[step] - counts.setup_only) / (counts.baseline_walk - counts.setup_only)).toFixed(1),
  }));
}

async function benchCore({ withCallgrind }) {
  buildNative();
  buildWasm();
  const steps = [
    "baseline_walk",
    "load_and_validate",
    "deep_shared_per_type",
    "dominators_only",
    "largest_by_deep_20",
    "analyze_all",
    "layout_and_allocation_models",
  ];
  // setup_only is a benchmark of its own only for callgrind's subtraction.
  const wasm = wasmResults();
  for (const graph of ["python_like", "random"]) {
    const native = nativeResults(graph === "random" ? "random" : "python_like");
    const w = wasm[graph];
    const rows = steps.map((step) => ({
      step,
      "native ms": native[step].toFixed(1),
      "wasm ms": w[step].toFixed(1),
      "wasm / baseline": (w[step] / w.baseline_walk).toFixed(1),
      "Mobjects/s (wasm)": ((1 / w[step]) * 1000).toFixed(1),
      budget: graph === "python_like" && BUDGETS_MS[step] ? `<= ${BUDGETS_MS[step]} ms` : "",
    }));
    const combined = w.deep_shared_per_type + w.dominators_only;
    rows.push({
      step: "deep_shared_per_type + dominators_only",
      "native ms": (native.deep_shared_per_type + native.dominators_only).toFixed(1),
      "wasm ms": combined.toFixed(1),
      "wasm / baseline": (combined / w.baseline_walk).toFixed(1),
      "Mobjects/s (wasm)": ((1 / combined) * 1000).toFixed(1),
      budget: graph === "python_like" ? `<= ${BUDGETS_MS["deep_shared_per_type + dominators_only"]} ms` : "",
    });
    console.log(`\ncore, ${graph} heap (1,000,000 objects, 2,000,000 references, 10 roots)`);
    console.log(table(rows, ["step", "native ms", "wasm ms", "wasm / baseline", "Mobjects/s (wasm)", "budget"]));
    if (graph === "python_like") {
      const over = Object.entries(BUDGETS_MS).filter(([step, ms]) => (step.includes("+") ? combined : w[step]) > ms);
      console.log(over.length ? `OVER BUDGET: ${over.map(([s]) => s).join(", ")}` : "within budget");
    }
  }
  if (withCallgrind) {
    console.log(
      "\nnative instruction counts (callgrind, Python-like heap, one run each, heap construction subtracted)",
    );
    console.log(table(callgrind(), ["step", "instructions", "per object", "vs baseline"]));
  }
}

// capture: the probe and the core together in Pyodide under Node, on structures of 10k,
// 100k and 1M objects, beside the plain iterative Python walk (tests/node/
// reference_sizes.py, which only sums sizes) timed in the same run.
const CAPTURE_BUDGET = 300_000; // objects per second, DESIGN.md
const CAPTURE_SHAPES = {
  tuples: (n) => `data = [(i, float(i), str(i)) for i in range(${n} // 4)]`,
  records: (n) =>
    [
      "class Record:",
      "    def __init__(self, i):",
      "        self.id = i",
      "        self.score = float(i)",
      "        self.tags = [str(i)]",
      `data = [Record(i) for i in range(${n} // 5)]`,
    ].join("\n"),
};

async function benchCapture() {
  buildWasm();
  const { openBytewise } = await import("../web/node-api.js");
  const { QUIET_RUN } = await import("../web/analyser.js");
  const { installModules } = await import("../web/python-runner.js");
  const fs = await import("node:fs");
  const bytewise = await openBytewise();
  const py = bytewise.pyodide;
  installModules(py, {
    "reference_sizes.py": fs.readFileSync(path.join(ROOT, "tests", "node", "reference_sizes.py"), "utf8"),
  });
  const timed = py.runPython(`
import time, reference_sizes
from _bytewise import probe
def timed(setup):
    namespace = {}
    exec(setup, namespace)
    data = namespace["data"]
    t = time.perf_counter()
    snapshot = probe.capture({"data": data}, 5_000_000, None, 5_000_000)
    captured = time.perf_counter()
    reference_sizes.deep(data)
    walked = time.perf_counter()
    return snapshot, (captured - t) * 1000, (walked - captured) * 1000
timed`);
  timed(CAPTURE_SHAPES.tuples(1000)).destroy(); // warm up: imports, platform facts
  const rows = [];
  for (const [shape, setup] of Object.entries(CAPTURE_SHAPES)) {
    for (const n of [10_000, 100_000, 1_000_000]) {
      // Small sizes are noisy: best of three runs; 1M once.
      let best = null;
      for (let run = 0; run < (n > 100_000 ? 1 : 3); ++run) {
        const result = timed(setup(n));
        const bytes = result.get(0).toJs();
        const captureMs = result.get(1);
        const walkMs = result.get(2);
        result.destroy();
        const started = performance.now();
        const report = bytewise.analyser.report({ snapshot: bytes, facts: QUIET_RUN });
        const analyzeMs = performance.now() - started;
        if (!best || captureMs + analyzeMs < best.captureMs + best.analyzeMs) {
          best = { captureMs, walkMs, analyzeMs, objects: report.objects };
        }
      }
      const { captureMs, walkMs, analyzeMs, objects } = best;
      const total = captureMs + analyzeMs;
      rows.push({
        structure: shape,
        objects: objects.toLocaleString("en"),
        "capture ms": captureMs.toFixed(0),
        "analyze ms": analyzeMs.toFixed(0),
        "objects/s": Math.round(objects / (total / 1000)).toLocaleString("en"),
        "plain walk ms": walkMs.toFixed(0),
        "vs plain walk": (total / walkMs).toFixed(2),
        budget: objects / (total / 1000) >= CAPTURE_BUDGET ? "ok" : `< ${CAPTURE_BUDGET.toLocaleString("en")}/s`,
      });
    }
  }
  console.log(
    `\ncapture + analysis in ${bytewise.pyodide.version === "314.0.7" ? "Pyodide 314.0.7" : `Pyodide ${bytewise.pyodide.version}`} under Node (budget >= ${CAPTURE_BUDGET.toLocaleString("en")} objects/s)`,
  );
  console.log(
    table(rows, [
      "structure",
      "objects",
      "capture ms",
      "analyze ms",
      "objects/s",
      "plain walk ms",
      "vs plain walk",
      "budget",
    ]),
  );
}

// canvas: the diagram layout (core/src/diagram.cpp) on heaps of 1,000 and 10,000 objects,
// natively and in wasm under Node, beside the analysis it needs (the baseline); then the
// canvas's frame time in headless Chromium with a program that draws about 500 boxes.
const LAYOUT_BUDGET_MS = { 1000: 20, 10000: 200 };
const FRAME_BUDGET_MS = 16;

function layoutResults(command, args) {
  return capture(command, args)
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

// Records: each a box with three rows and three small boxes (two floats, a str) beside it.
const FRAME_PROGRAM = [
  "class Point:",
  "    def __init__(self, i, j):",
  "        self.x = float(i)",
  "        self.y = float(j)",
  "        self.name = f'p{i}-{j}'",
  "grid = [[Point(i, j) for j in range(10)] for i in range(10)]",
  "more = [[Point(i, j) for j in range(10)] for i in range(2)]",
  "names = ['first' * 3, 'second' * 3, 'third' * 3]",
].join("\n");

async function frameTimes(page, frames, redraw = true) {
  await page.evaluate(() => globalThis.bytewise.frameTimes()); // drop what came before
  const intervals = await page.evaluate(
    async ([n, redraw]) => {
      const stamps = [];
      for (let i = 0; i < n; ++i) {
        if (redraw) globalThis.bytewise.canvasAction("redraw", null);
        stamps.push(await new Promise((resolve) => requestAnimationFrame(resolve)));
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return stamps.slice(1).map((t, i) => t - stamps[i]);
    },
    [frames, redraw],
  );
  const cpu = await page.evaluate(() => globalThis.bytewise.frameTimes());
  const stats = await page.evaluate(() => globalThis.bytewise.canvasStats());
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const pick = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  return {
    cpu,
    stats,
    median: cpu.length ? pick(cpu, 0.5) : NaN,
    p95: cpu.length ? pick(cpu, 0.95) : NaN,
    interval: pick(intervals, 0.5),
  };
}

async function benchCanvas() {
  buildNative();
  await buildSite();
  const rows = [];
  for (const [where, results] of [
    ["native", layoutResults(path.join(ROOT, "build", "native", "tests", "diagram_bench"), [])],
    [
      "wasm",
      layoutResults(process.execPath, [
        "--no-experimental-fetch",
        path.join(ROOT, "build", "wasm", "tests", "diagram_bench.js"),
      ]),
    ],
  ]) {
    for (const r of results) {
      const baseline = results.find((b) => b.nodes === r.nodes && b.step.startsWith("analysis")).ms;
      const budget = r.step === "layout" && where === "wasm" ? LAYOUT_BUDGET_MS[r.nodes] : undefined;
      rows.push({
        where,
        objects: r.nodes.toLocaleString("en"),
        step: r.step === "layout" ? `layout, ${r.mode}` : r.step,
        boxes: r.boxes ? r.boxes.toLocaleString("en") : "",
        arrows: r.arrows ? r.arrows.toLocaleString("en") : "",
        ms: r.ms.toFixed(2),
        "median ms": r.median_ms.toFixed(2),
        "vs analysis": (r.ms / baseline).toFixed(1),
        budget: budget ? `<= ${budget} ms${r.ms <= budget ? "" : " OVER"}` : "",
      });
    }
  }
  console.log("\ndiagram layout (best of runs; 'every object': one box per object, no row or box limit;");
  console.log("'page': the page's defaults, ten rows per container, then an aggregate; 1,000 boxes at most)");
  console.log(table(rows, ["where", "objects", "step", "boxes", "arrows", "ms", "median ms", "vs analysis", "budget"]));

  const { startServer } = await import("./serve.mjs");
  const { launchChromium } = await import("../tests/browser/chromium.mjs");
  const server = await startServer({ port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(server.url);
    await page.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
    // A tall canvas (its wrapper sets its size), so that much of the diagram is in view at a
    // zoom where boxes keep their text.
    await page.addStyleTag({ content: ".bw-canvas-wrap { height: 1100px !important; flex: none !important; }" });
    const shown = await page.evaluate(() => globalThis.bytewise.reportsShown());
    await page.evaluate((code) => globalThis.bytewise.setCode(code), FRAME_PROGRAM);
    await page.click("#bw-run");
    await page.waitForFunction((n) => globalThis.bytewise.reportsShown() > n, shown);
    const frameRows = [];
    const measureView = async (view, setup, redraw = true) => {
      await setup();
      const f = await frameTimes(page, 240, redraw);
      frameRows.push({
        view,
        "boxes drawn": `${f.stats.visibleBoxes} of ${f.stats.boxes}`,
        zoom: f.stats.zoom.toFixed(2),
        frames: f.cpu.length,
        "frame ms (median)": redraw ? f.median.toFixed(2) : "",
        "frame ms (p95)": redraw ? f.p95.toFixed(2) : "",
        "rAF interval ms": f.interval.toFixed(1),
        budget: redraw ? `<= ${FRAME_BUDGET_MS} ms${f.p95 <= FRAME_BUDGET_MS ? "" : " OVER"}` : "baseline",
      });
    };
    const canvasAction = (name, arg = null) =>
      page.evaluate(([n, a]) => globalThis.bytewise.canvasAction(n, a), [name, arg]);
    await measureView("fit: as much as box text of 11 px allows", () => canvasAction("fit"));
    await measureView("idle: nothing redrawn", async () => {}, false);
    await measureView("fit, numbers shown as deep", () => canvasAction("measure", 1));
    await measureView("zoom 0.4: text on every box", () => canvasAction("zoom", 0.4));
    await measureView("zoom 1 (readable), top left", () => canvasAction("zoom", 1));
    console.log(
      "\ncanvas frame in headless Chromium (SwiftShader WebGL2, 1600 x 1100 CSS px canvas, device pixel ratio 1):",
    );
    console.log(
      "frame ms = the app's frame (input, ImGui frame, diagram, draw data to WebGL), 240 frames redrawn back to back;",
    );
    console.log(
      "rAF interval = the browser's frame, with SwiftShader rasterizing on the CPU (the idle row is its baseline)",
    );
    console.log(
      table(frameRows, [
        "view",
        "boxes drawn",
        "zoom",
        "frames",
        "frame ms (median)",
        "frame ms (p95)",
        "rAF interval ms",
        "budget",
      ]),
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

// output: print to paint in headless Chromium. The program prints its own clock
// (time.time(), the browser's Date.now() in the worker) one line at a time with pauses, and
// in bursts followed by a sleep (what a batching design holds back until the next write);
// the page records when each line is in the DOM and when the frame after that is painted.
// Baseline: the page's idle frame interval, measured in the same run.
const OUTPUT_PROGRAM = [
  "import time",
  "def stamp(tag):",
  "    print(f'{tag} @{time.time() * 1000:.1f}')",
  "for i in range(20):",
  "    stamp(f'tick {i}')",
  "    time.sleep(0.1)",
  "for burst in range(5):",
  "    for j in range(5):",
  "        stamp(f'burst {burst}.{j}')",
  "    time.sleep(0.5)",
].join("\n");
const OUTPUT_BUDGET_MS = 100;

async function benchOutput() {
  await buildSite();
  const { startServer } = await import("./serve.mjs");
  const { launchChromium } = await import("../tests/browser/chromium.mjs");
  const server = await startServer({ port: 0 });
  const browser = await launchChromium();
  const rows = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.evaluate(() => globalThis.bytewise.pythonReady);
    for (let run = 1; run <= 3; ++run) {
      const idle = await page.evaluate(async () => {
        const stamps = [];
        for (let i = 0; i < 61; ++i) stamps.push(await new Promise((resolve) => requestAnimationFrame(resolve)));
        const gaps = stamps
          .slice(1)
          .map((t, i) => t - stamps[i])
          .sort((a, b) => a - b);
        return gaps[gaps.length >> 1];
      });
      await page.evaluate((code) => globalThis.bytewise.setCode(code), OUTPUT_PROGRAM);
      const before = await page.evaluate(() => globalThis.bytewise.outcomes());
      await page.evaluate(() => {
        const out = document.querySelector("#bw-output");
        const seen = [];
        let scanned = 0;
        globalThis.benchOutputSeen = seen;
        globalThis.benchOutputObserver?.disconnect();
        globalThis.benchOutputObserver = new MutationObserver(() => {
          const inDom = Date.now();
          const text = out.textContent;
          const fresh = [];
          // Only whole stamps: a line is counted once its newline is there.
          const whole = text.lastIndexOf("\n") + 1;
          for (const m of text.slice(scanned, whole).matchAll(/(tick|burst) [\d.]+ @(\d+\.\d)/g)) {
            fresh.push({ kind: m[1], printed: Number(m[2]), inDom });
          }
          if (whole > scanned) scanned = whole;
          if (fresh.length) {
            requestAnimationFrame(() => {
              const painted = Date.now();
              for (const f of fresh) seen.push({ ...f, painted });
            });
          }
        });
        globalThis.benchOutputObserver.observe(out, { childList: true, subtree: true, characterData: true });
      });
      await page.click("#bw-run");
      await page.waitForFunction((n) => globalThis.bytewise.outcomes() > n, before, { timeout: 60_000 });
      await page.waitForTimeout(100);
      const seen = await page.evaluate(() => globalThis.benchOutputSeen);
      const pick = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
      for (const kind of ["tick", "burst"]) {
        const lat = seen.filter((s) => s.kind === kind).map((s) => s.painted - s.printed);
        const dom = seen.filter((s) => s.kind === kind).map((s) => s.inDom - s.printed);
        rows.push({
          run,
          lines: `${lat.length} ${kind === "tick" ? "single, 100 ms apart" : "in bursts of 5, then 0.5 s of sleep"}`,
          "to DOM ms (median)": pick(dom, 0.5).toFixed(0),
          "to DOM max": Math.max(...dom).toFixed(0),
          "to paint ms (median)": pick(lat, 0.5).toFixed(0),
          "p95 ms": pick(lat, 0.95).toFixed(0),
          "max ms": Math.max(...lat).toFixed(0),
          "idle frame ms": idle.toFixed(1),
          "max / frame": (Math.max(...lat) / idle).toFixed(1),
          budget: `<= ${OUTPUT_BUDGET_MS} ms${Math.max(...lat) <= OUTPUT_BUDGET_MS ? "" : " OVER"}`,
        });
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log("\nprint to paint in headless Chromium (1400 x 900): the program's own clock against the page's");
  console.log(
    table(rows, [
      "run",
      "lines",
      "to DOM ms (median)",
      "to DOM max",
      "to paint ms (median)",
      "p95 ms",
      "max ms",
      "idle frame ms",
      "max / frame",
      "budget",
    ]),
  );
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { callgrind: { type: "boolean" } } });
const what = positionals[0] ?? "core";
const benches = {
  core: () => benchCore({ withCallgrind: values.callgrind ?? false }),
  capture: benchCapture,
  canvas: benchCanvas,
  output: benchOutput,
};
if (!(what in benches)) {
  process.stderr.write(`unknown benchmark "${what}": use ${Object.keys(benches).join(", ")}\n`);
  process.exit(2);
}
benches[what]().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] error: ${err.message}\n`);
    process.exit(1);
  },
);
