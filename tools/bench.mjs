#!/usr/bin/env node
// Benchmarks, printed beside the budgets in DESIGN.md. Not part of npm test: timings
// belong in benchmarks, with ratios to a baseline measured in the same run.
//
//   node tools/bench.mjs core [--callgrind]
//   node tools/bench.mjs capture [--runs N] [--probe] [--data NAME] [--dump DIR]
//     (--probe: the probe on 10M floats too; --data: that data only ("1M rows"); --dump:
//     each data's heap and walk request as DIR/1M-rows.heap and DIR/1M-rows.json, for
//     build/native/tests/heap_walk_bench)
//   node tools/bench.mjs canvas
//   node tools/bench.mjs output
//   node tools/bench.mjs trace [--runs N]
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

// capture: the native capture (the core's heap walker reading a copy of Pyodide's heap,
// web/native-capture.js) and the analysis of what it captured, on 1M floats, 1M rows
// [i, str(i), float(i)], 1M instances of a small class and 10M floats, each beside the
// Python probe and a bare gc.get_referents walk (tests/bench/capture_bench.py) of the same
// data in the same interpreter. Every figure is the median of `runs` runs; ratios are
// taken within a run. The deep size the analysis reports must equal the bare walk's.
const CAPTURE_TARGETS = { objectsPerSecond: 10_000_000, vsBareWalk: 5, tenMillionMs: 5000 };
const CAPTURE_CAPS = { objectCap: 50_000_000, edgeCap: 50_000_000 };

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function benchCapture({ runs, probe, dump, only }) {
  buildWasm();
  const fs = await import("node:fs");
  const { openSession } = await import("../tests/node/pyodide-session.mjs");
  const { createNativeCapture } = await import("../web/native-capture.js");
  const { QUIET_RUN } = await import("../web/analyser.js");
  const { installModules } = await import("../web/python-runner.js");
  const session = await openSession();
  const py = session.pyodide;
  installModules(py, {
    "capture_bench.py": fs.readFileSync(path.join(ROOT, "tests", "bench", "capture_bench.py"), "utf8"),
  });
  const bench = py.pyimport("capture_bench");
  const pyId = py.runPython("id");
  const native = createNativeCapture({ pyodide: py, core: session.core });
  const rows = [];
  const phases = [];
  const memory = [];
  const names = Object.keys(bench.DATA.toJs({ dict_converter: Object.fromEntries }));
  if (only && !names.includes(only)) throw new Error(`no data "${only}": use one of ${names.join(", ")}`);
  for (const name of names.filter((n) => !only || n === only)) {
    const namespace = bench.make(name);
    const data = namespace.get("data");
    const address = pyId(data);
    const samples = [];
    for (let run = 0; run < runs; ++run) {
      const bare = bench.bare_walk(data).toJs();
      const [bareMs, bareDeep, bareObjects] = bare;
      const started = performance.now();
      const walk = native.walk({ roots: [["data", address]], ...CAPTURE_CAPS });
      const captured = performance.now();
      const report = session.analyser.report({ snapshot: walk.snapshot, facts: QUIET_RUN }, CAPTURE_CAPS);
      const analysed = performance.now();
      const sample = {
        bareMs,
        captureMs: captured - started,
        analysisMs: analysed - captured,
        objects: report.objects,
        deepEqual: report.total.deep === bareDeep,
        bareObjects,
        handedBack: walk.handedBack.length,
        ...walk,
      };
      if (run === 0 && dump) {
        // The heap as the walk read it: describing classes between rounds ran Python, which
        // does not move the data's objects.
        const file = path.join(dump, name.replaceAll(" ", "-"));
        fs.mkdirSync(dump, { recursive: true });
        fs.writeFileSync(`${file}.heap`, py._module.HEAPU8.subarray(0, walk.heapBytes));
        fs.writeFileSync(`${file}.json`, JSON.stringify(walk.request));
      }
      if (run === 0) {
        memory.push({
          data: name,
          "Pyodide heap": mb(py._module.HEAPU8.length),
          "heap copy": mb(walk.heapBytes),
          "snapshot (JS)": mb(walk.snapshot.length),
          "core module memory": mb(session.core.HEAPU8.length),
          "bytes per object": (walk.snapshot.length / walk.nodes).toFixed(1),
        });
      }
      sample.snapshot = null;
      if (probe || !name.startsWith("10M")) {
        const captured = bench.probe_capture(data, CAPTURE_CAPS.objectCap);
        const probeCaptureMs = captured.get(0);
        const bytes = captured.get(1).toJs();
        captured.destroy();
        const before = performance.now();
        session.analyser.report({ snapshot: bytes, facts: QUIET_RUN }, CAPTURE_CAPS);
        sample.probeMs = probeCaptureMs + (performance.now() - before);
      }
      samples.push(sample);
      process.stderr.write(`[bench] ${name}: run ${run + 1} of ${runs}\n`);
    }
    const m = (f) => median(samples.map(f));
    const total = (s) => s.captureMs + s.analysisMs;
    const hasProbe = samples.every((s) => s.probeMs !== undefined);
    rows.push({
      data: name,
      objects: samples[0].objects.toLocaleString("en"),
      "capture ms": m((s) => s.captureMs).toFixed(0),
      "analysis ms": m((s) => s.analysisMs).toFixed(0),
      "objects/s (capture)": Math.round(m((s) => s.objects / (s.captureMs / 1000))).toLocaleString("en"),
      "bare walk ms": m((s) => s.bareMs).toFixed(0),
      "vs bare walk": `${m((s) => s.bareMs / total(s)).toFixed(2)}x`,
      "probe ms": hasProbe ? m((s) => s.probeMs).toFixed(0) : "not run",
      "vs probe": hasProbe ? `${m((s) => s.probeMs / total(s)).toFixed(1)}x` : "",
      "deep = bare walk's": samples.every((s) => s.deepEqual) ? "yes" : "NO",
      "handed back": m((s) => s.handedBack),
    });
    phases.push({
      data: name,
      "hand-over ms": m((s) => s.handOverMs).toFixed(1),
      "heap copy ms": m((s) => s.copyMs).toFixed(0),
      "walk ms": m((s) => s.walkMs).toFixed(0),
      "walk objects/s": Math.round(m((s) => s.objects / (s.walkMs / 1000))).toLocaleString("en"),
      "encode ms": m((s) => s.encodeMs).toFixed(0),
      "binding ms": m((s) => s.bindingMs).toFixed(0),
      "analysis ms": m((s) => s.analysisMs).toFixed(0),
    });
    data.destroy();
    namespace.destroy();
    py.runPython("import gc; gc.collect()");
  }
  console.log(
    `\nnative capture + analysis in Pyodide ${py.version} under Node, median of ${runs} runs ` +
      "(capture: hand-over, heap copy, walk, encoding, to JS; analysis: the report with measure()'s defaults)",
  );
  console.log(
    table(rows, [
      "data",
      "objects",
      "capture ms",
      "analysis ms",
      "objects/s (capture)",
      "bare walk ms",
      "vs bare walk",
      "probe ms",
      "vs probe",
      "deep = bare walk's",
      "handed back",
    ]),
  );
  console.log(
    `targets: capture >= ${CAPTURE_TARGETS.objectsPerSecond.toLocaleString("en")} objects/s; ` +
      `capture + analysis >= ${CAPTURE_TARGETS.vsBareWalk}x faster than the bare walk (vs bare walk = ` +
      `bare walk ms / (capture + analysis ms)); 10M floats <= ${CAPTURE_TARGETS.tenMillionMs} ms`,
  );
  console.log("\nphases (medians):");
  console.log(
    table(phases, [
      "data",
      "hand-over ms",
      "heap copy ms",
      "walk ms",
      "walk objects/s",
      "encode ms",
      "binding ms",
      "analysis ms",
    ]),
  );
  console.log("\nmemory after the first capture (the heap copy lives in the core module only during the walk):");
  console.log(
    table(memory, ["data", "Pyodide heap", "heap copy", "snapshot (JS)", "core module memory", "bytes per object"]),
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

// Recording a run step by step (trace()): a 10,000-step program that keeps about 1,000
// objects alive, recorded whole, against the same program measured once at its end
// (measure(): one capture) in the same run. Budget: DESIGN.md's 3 s for the recording.
const TRACE_BUDGET_MS = 3000;
const TRACE_PROGRAM = [
  "live = [[i] for i in range(500)]  # 500 lists and their ints: about 1,000 objects",
  "total = 0",
  "for i in range(4999):",
  "    total += i",
].join("\n");

async function benchTrace({ runs }) {
  buildWasm();
  const { openBytewise } = await import("../web/node-api.js");
  const bytewise = await openBytewise();
  try {
    await bytewise.measure("x = 1"); // the child's Python started and warm
    const samples = [];
    let report = null;
    for (let run = 0; run < runs; ++run) {
      const started = performance.now();
      const measured = await bytewise.measure(TRACE_PROGRAM, { comparePlatform: null });
      const measureMs = performance.now() - started;
      const from = performance.now();
      report = await bytewise.trace(TRACE_PROGRAM, { stepCap: 20_000, timeLimit: 600 });
      samples.push({ measureMs, traceMs: performance.now() - from, objects: measured.objects });
    }
    const steps = report.steps.length;
    const objects = samples[0].objects;
    const traceMs = median(samples.map((s) => s.traceMs));
    const measureMs = median(samples.map((s) => s.measureMs));
    console.log(
      table(
        [
          {
            program: `${steps.toLocaleString("en")} steps, ${objects.toLocaleString("en")} objects live`,
            "recorded ms": traceMs.toFixed(0),
            "per step µs": ((traceMs / steps) * 1000).toFixed(0),
            "per object-step ns": ((traceMs / (steps * objects)) * 1e6).toFixed(0),
            "measure() ms": measureMs.toFixed(0),
            "recording / one measure()": (traceMs / measureMs).toFixed(0),
            budget: `<= ${TRACE_BUDGET_MS} ms`,
          },
        ],
        [
          "program",
          "recorded ms",
          "per step µs",
          "per object-step ns",
          "measure() ms",
          "recording / one measure()",
          "budget",
        ],
      ),
    );
    console.log(`median of ${runs} runs; recording truncated: ${report.truncated}`);
  } finally {
    bytewise.close();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    callgrind: { type: "boolean" },
    runs: { type: "string" },
    probe: { type: "boolean" },
    dump: { type: "string" },
    data: { type: "string" },
  },
});
const what = positionals[0] ?? "core";
const benches = {
  core: () => benchCore({ withCallgrind: values.callgrind ?? false }),
  capture: () =>
    benchCapture({
      runs: Math.max(1, Number(values.runs ?? 3)),
      probe: values.probe ?? false,
      dump: values.dump,
      only: values.data,
    }),
  canvas: benchCanvas,
  output: benchOutput,
  trace: () => benchTrace({ runs: Math.max(1, Number(values.runs ?? 3)) }),
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
