#!/usr/bin/env node
// Benchmarks, printed beside the budgets in DESIGN.md. Not part of npm test: timings
// belong in benchmarks, with ratios to a baseline measured in the same run.
//
//   node tools/bench.mjs core [--callgrind]
//   node tools/bench.mjs capture
//
// core: the core's analyses on a synthetic 1,000,000-object, 2,000,000-reference heap,
// natively (Google Benchmark) and in wasm under Node (the same workload). Budgets apply to
// wasm on the Python-like heap; the random heap is a stress case without a budget.
// --callgrind also prints native instruction counts (stable from run to run).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildNative, buildWasm, ROOT } from "./build.mjs";

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
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join("\n");
}

function nativeResults(graph) {
  const out = capture(path.join("build", "native", "tests", "core_bench"), ["--benchmark_format=json"], {
    BYTEWISE_BENCH_GRAPH: graph,
  });
  const json = JSON.parse(out);
  return Object.fromEntries(json.benchmarks.map((b) => [b.name, b.real_time]));
}

function wasmResults() {
  const out = capture(process.execPath, ["--no-experimental-fetch", path.join("build", "wasm", "tests", "core_bench_wasm.js")]);
  const rows = out.trim().split("\n").map((l) => JSON.parse(l));
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
    const out = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null",
      path.join(ROOT, "build", "native", "tests", "core_bench"), `--benchmark_filter=^${step}$`,
      "--benchmark_min_time=0.000001"], { encoding: "utf8" });
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
  const steps = ["baseline_walk", "load_and_validate", "deep_shared_per_type", "dominators_only", "largest_by_deep_20", "analyze_all",
    "layout_and_allocation_models"];
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
      "Mobjects/s (wasm)": (1 / w[step] * 1000).toFixed(1),
      budget: graph === "python_like" && BUDGETS_MS[step] ? `<= ${BUDGETS_MS[step]} ms` : "",
    }));
    const combined = w.deep_shared_per_type + w.dominators_only;
    rows.push({
      step: "deep_shared_per_type + dominators_only",
      "native ms": (native.deep_shared_per_type + native.dominators_only).toFixed(1),
      "wasm ms": combined.toFixed(1),
      "wasm / baseline": (combined / w.baseline_walk).toFixed(1),
      "Mobjects/s (wasm)": (1 / combined * 1000).toFixed(1),
      budget: graph === "python_like" ? `<= ${BUDGETS_MS["deep_shared_per_type + dominators_only"]} ms` : "",
    });
    console.log(`\ncore, ${graph} heap (1,000,000 objects, 2,000,000 references, 10 roots)`);
    console.log(table(rows, ["step", "native ms", "wasm ms", "wasm / baseline", "Mobjects/s (wasm)", "budget"]));
    if (graph === "python_like") {
      const over = Object.entries(BUDGETS_MS).filter(([step, ms]) =>
        (step.includes("+") ? combined : w[step]) > ms);
      console.log(over.length ? `OVER BUDGET: ${over.map(([s]) => s).join(", ")}` : "within budget");
    }
  }
  if (withCallgrind) {
    console.log("\nnative instruction counts (callgrind, Python-like heap, one run each, heap construction subtracted)");
    console.log(table(callgrind(), ["step", "instructions", "per object", "vs baseline"]));
  }
}

// capture: the probe and the core together in Pyodide under Node, on structures of 10k,
// 100k and 1M objects, beside the plain iterative Python walk (tests/node/
// reference_sizes.py, which only sums sizes) timed in the same run.
const CAPTURE_BUDGET = 300_000; // objects per second, DESIGN.md
const CAPTURE_SHAPES = {
  tuples: (n) => `data = [(i, float(i), str(i)) for i in range(${n} // 4)]`,
  records: (n) => [
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
  const { analyzeSnapshot } = await import("../web/core-bridge.js");
  const fs = await import("node:fs");
  const bytewise = await openBytewise();
  const py = bytewise.pyodide;
  py.FS.writeFile("/bytewise/reference_sizes.py", fs.readFileSync(path.join(ROOT, "tests", "node", "reference_sizes.py"), "utf8"));
  const timed = py.runPython(`
import time, bytewise_probe, reference_sizes
def timed(setup):
    namespace = {}
    exec(setup, namespace)
    data = namespace["data"]
    t = time.perf_counter()
    snapshot = bytewise_probe.capture({"data": data}, object_cap=5_000_000)
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
        const report = analyzeSnapshot(bytewise.core, bytes);
        const analyzeMs = performance.now() - started;
        if (!best || captureMs + analyzeMs < best.captureMs + best.analyzeMs) {
          best = { captureMs, walkMs, analyzeMs, objects: report.nodeCount };
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
  console.log(`\ncapture + analysis in ${bytewise.pyodide.version === "314.0.7" ? "Pyodide 314.0.7" : `Pyodide ${bytewise.pyodide.version}`} under Node (budget >= ${CAPTURE_BUDGET.toLocaleString("en")} objects/s)`);
  console.log(table(rows, ["structure", "objects", "capture ms", "analyze ms", "objects/s", "plain walk ms", "vs plain walk", "budget"]));
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { callgrind: { type: "boolean" } } });
const what = positionals[0] ?? "core";
const benches = { core: () => benchCore({ withCallgrind: values.callgrind ?? false }), capture: benchCapture };
if (!(what in benches)) {
  process.stderr.write(`unknown benchmark "${what}": use ${Object.keys(benches).join(" or ")}\n`);
  process.exit(2);
}
benches[what]().then(() => process.exit(0), (err) => {
  process.stderr.write(`[bench] error: ${err.message}\n`);
  process.exit(1);
});
