// The measurement API: run Python code, capture its objects, analyse them, and return a
// JSON-serialisable report (docs/measure-report.schema.json). The same module serves the
// page's worker, the Node API and the CLI; only how Pyodide and the core are loaded
// differs (web/worker.js, web/node-api.js).
//
//   const measurer = createMeasurer({ pyodide, core });
//   const report = measurer.measure("x = [1, 2, 3]", { followTypes: false });
import { analyzeSnapshot } from "./core-bridge.js";
import { runAndCapture } from "./python-runner.js";
import { xrayObject } from "./xray.js";

export const REPORT_SCHEMA = "bytewise.measure/1";

/** Output kept per stream and run; more is dropped with a visible note. */
export const OUTPUT_LIMIT_BYTES = 200_000;
export const OUTPUT_LIMIT_LINES = 5_000;

/** A misuse of the API (bad option, bad argument): the message names it and the fix. */
export class BytewiseError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "BytewiseError";
    this.code = code;
  }
}

const BOOLEAN_OPTIONS = {
  followTypes: "follow_types",
  followModules: "follow_modules",
  followGlobals: "follow_globals",
  followCode: "follow_code",
  tracemalloc: "tracemalloc",
};
const ANALYSIS_ONLY = ["includeInterpreterShared", "retained", "allocated"];
/** The platform measure() compares with unless told otherwise (comparePlatform). */
export const DEFAULT_COMPARE_PLATFORM = "cpython-3.12-64";
const NUMBER_OPTIONS = { objectCap: [1, 10_000_000], edgeCap: [1, 100_000_000], topN: [0, 10_000] };
const OPTION_NAMES = [
  ...Object.keys(BOOLEAN_OPTIONS),
  ...ANALYSIS_ONLY,
  ...Object.keys(NUMBER_OPTIONS),
  "roots",
  "comparePlatform",
];

/**
 * Checks measure() options and splits them into the probe's and the core's.
 * @param {object} options
 * @returns {{ python: object, analysis: object }}
 */
export function parseOptions(options = {}) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new BytewiseError("api.bad_options", "Options must be an object, such as { objectCap: 10000 }.");
  }
  const python = {};
  const analysis = { comparePlatform: DEFAULT_COMPARE_PLATFORM, allocated: true };
  for (const [key, value] of Object.entries(options)) {
    if (key in BOOLEAN_OPTIONS || ANALYSIS_ONLY.includes(key)) {
      if (typeof value !== "boolean") {
        throw new BytewiseError("api.bad_option", `Option ${key} must be true or false, not ${JSON.stringify(value)}.`);
      }
      if (key in BOOLEAN_OPTIONS) python[BOOLEAN_OPTIONS[key]] = value;
      if (key !== "tracemalloc") analysis[key] = value;
    } else if (key in NUMBER_OPTIONS) {
      const [low, high] = NUMBER_OPTIONS[key];
      if (!Number.isInteger(value) || value < low || value > high) {
        throw new BytewiseError(
          "api.bad_option",
          `Option ${key} must be a whole number from ${low} to ${high.toLocaleString("en")}, not ${JSON.stringify(value)}.`,
        );
      }
      if (key === "objectCap") python.object_cap = value;
      else if (key === "edgeCap") python.edge_cap = value;
      else analysis.topN = value;
    } else if (key === "comparePlatform") {
      if (value !== null && typeof value !== "string") {
        throw new BytewiseError(
          "api.bad_option",
          'Option comparePlatform must be a platform name such as "cpython-3.12-64", or null.',
        );
      }
      analysis.comparePlatform = value; // the core checks the name and lists the known ones
    } else if (key === "roots") {
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((r) => typeof r === "string" && r.trim() !== "")
      ) {
        throw new BytewiseError(
          "api.bad_option",
          'Option roots must be a non-empty list of Python expressions, such as ["x", "cache.items"].',
        );
      }
      python.roots = value;
    } else {
      throw new BytewiseError(
        "api.unknown_option",
        `Unknown option ${key}; known options: ${OPTION_NAMES.join(", ")}.`,
      );
    }
  }
  return { python, analysis };
}

function objectRef(entry) {
  const out = { type: entry.type, id: entry.address };
  if (entry.label !== undefined) out.label = entry.label;
  return out;
}

function allocated(entry) {
  if (!entry) return null;
  return {
    platform: entry.platform,
    allocator: entry.allocator,
    shallow: entry.shallow,
    requested: entry.requested,
    status: entry.status,
    rule: entry.rule,
    static: entry.static,
    blocks: entry.blocks.map((b) => ({ role: b.role, requested: b.requested, reserved: b.reserved })),
    deep: entry.deep,
    unmodelled_objects: entry.unmodelledObjects,
    assumed_objects: entry.assumedObjects,
  };
}

function ranked(list) {
  return list.map((entry) => ({ ...objectRef(entry), bytes: entry.bytes, exact: entry.exact }));
}

/**
 * Maps the core's report and the run's facts into the public report.
 * @param {import("./core-bridge.js").Report} core
 * @param {import("./python-runner.js").RunResult} run
 * @param {{ stdout: string, stderr: string, analyzeMs: number }} extra
 */
export function buildReport(core, run, extra) {
  const base = {
    schema: REPORT_SCHEMA,
    error: run.error,
    stdout: extra.stdout,
    stderr: extra.stderr,
    tracemalloc: run.tracemalloc,
    timings: { run_ms: round(run.runMs), capture_ms: round(run.captureMs), analyze_ms: round(extra.analyzeMs) },
  };
  if (!core.ok) {
    return {
      ...base,
      ok: false,
      platform: null,
      compared_with: null,
      roots: [],
      diagnostics: core.errors.map((d) => ({ code: d.code, message: d.message })),
    };
  }
  const p = core.platform;
  const pyodide = p.runtime.startsWith("Pyodide ") ? p.runtime.slice("Pyodide ".length) : null;
  return {
    ...base,
    ok: run.error === null,
    platform: {
      implementation: p.implementation,
      python: p.version,
      pointer_size: p.pointerSize,
      pyodide,
      machine: p.machine,
      free_threaded: p.freeThreaded,
      small_int_range: core.capture.smallIntsProbed ? [core.capture.smallIntMin, core.capture.smallIntMax] : null,
      description: p.description,
    },
    policy: {
      include_interpreter_shared: core.policy.includeInterpreterShared,
      follow_types: core.policy.followTypes,
      follow_modules: core.policy.followModules,
      follow_globals: core.policy.followGlobals,
      follow_code: core.policy.followCode,
    },
    truncated: core.capture.truncated,
    object_cap: core.capture.objectCap,
    objects: core.nodeCount,
    references: core.edgeCount,
    compared_with: core.compared ? { platform: core.compared.platform, description: core.compared.description } : null,
    roots: core.roots.map((r) => ({
      name: r.name,
      ...objectRef(r),
      ...(r.refcount !== undefined ? { refcount: r.refcount } : {}),
      counted: r.counted,
      shallow: r.shallow,
      deep: r.deep,
      naive: r.naive,
      retained: r.retained,
      objects: r.objects,
      shared_bytes: r.sharedBytes,
      shared_objects: r.sharedObjects,
      allocated: allocated(r.allocated),
      predicted: r.predicted
        ? {
            shallow: r.predicted.shallow,
            status: r.predicted.status,
            rule: r.predicted.rule,
            deep: r.predicted.deep,
            unmodelled_objects: r.predicted.unmodelledObjects,
            assumed_objects: r.predicted.assumedObjects,
            allocated: allocated(r.predicted.allocated),
          }
        : null,
    })),
    total: {
      predicted_deep: core.compared ? core.compared.totalDeep : null,
      deep: core.total.deep,
      naive: core.total.naive,
      objects: core.total.objects,
      shared_objects: core.total.sharedObjects,
      shared_bytes: core.total.sharedBytes,
      repeated_objects: core.total.repeatedObjects,
      allocated_deep: core.total.allocated ? core.total.allocated.deep : null,
      predicted_allocated_deep: core.compared?.allocated ? core.compared.allocated.deep : null,
    },
    types: core.types,
    cycles: core.cycles.map((c) => ({ objects: c.objects, bytes: c.bytes })),
    repeated: core.repeated.map((r) => ({
      ...objectRef(r),
      shallow: r.shallow,
      times: r.times,
      extra_bytes: r.extraBytes,
    })),
    top: {
      shallow: ranked(core.top.shallow),
      deep: ranked(core.top.deep),
      retained: core.top.retained === null ? null : ranked(core.top.retained),
    },
    diagnostics: core.diagnostics.map((d) => {
      const out = { code: d.code, message: d.message };
      if (d.object) out.object = objectRef(d.object);
      return out;
    }),
  };
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}

/** Collects one stream's output up to the limits, passing it on as it comes. */
class OutputCollector {
  constructor(stream, onOutput) {
    this.stream = stream;
    this.onOutput = onOutput;
    this.decoder = new TextDecoder();
    this.text = "";
    this.bytes = 0;
    this.lines = 0;
    this.truncated = false;
  }

  write(bytes) {
    if (this.truncated) return bytes.length;
    const room = OUTPUT_LIMIT_BYTES - this.bytes;
    const taken = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.bytes += taken.length;
    let text = this.decoder.decode(taken, { stream: taken.length === bytes.length });
    let why = taken.length < bytes.length ? `more than ${OUTPUT_LIMIT_BYTES.toLocaleString("en")} bytes` : null;
    const tooManyLines = `more than ${OUTPUT_LIMIT_LINES.toLocaleString("en")} lines`;
    if (this.lines >= OUTPUT_LIMIT_LINES && text) {
      text = "";
      why = tooManyLines;
    } else {
      // Keep up to the last line allowed.
      for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
        this.lines += 1;
        if (this.lines === OUTPUT_LIMIT_LINES) {
          if (at + 1 < text.length) {
            text = text.slice(0, at + 1);
            why = tooManyLines;
          }
          break;
        }
      }
    }
    if (why) {
      this.truncated = true;
      text += `${text.endsWith("\n") || text === "" ? "" : "\n"}[output truncated: ${why}; the program went on running]\n`;
    }
    this.text += text;
    if (text && this.onOutput) this.onOutput(this.stream, text);
    return bytes.length;
  }
}

/**
 * @param {{ pyodide: import("pyodide").PyodideInterface, core: object,
 *           onOutput?: (stream: "stdout" | "stderr", text: string) => void }} deps
 *   `core` is an instantiated bytewise-core module (or the app module, which has the
 *   same analyze()); the Bytewise Python modules must be installed in `pyodide`.
 */
export function createMeasurer({ pyodide, core, onOutput }) {
  return {
    /**
     * Runs `code`, captures its variables and analyses them.
     * @param {string} code Python source
     * @param {object} [options] see parseOptions and docs/measure-report.schema.json
     * @param {{ onCapture?: () => void }} [hooks] onCapture: called when the program has
     *   ended and the probe starts (the page's sandbox stops interrupting then)
     * @returns {{ report: object, snapshot: Uint8Array }}
     */
    measureWithSnapshot(code, options = {}, hooks = {}) {
      if (typeof code !== "string") {
        throw new BytewiseError(
          "api.bad_argument",
          `The code to measure must be a string, not ${code === null ? "null" : typeof code}.`,
        );
      }
      const { python, analysis } = parseOptions(options);
      const stdout = new OutputCollector("stdout", onOutput);
      const stderr = new OutputCollector("stderr", onOutput);
      pyodide.setStdout({ write: (b) => stdout.write(b) });
      pyodide.setStderr({ write: (b) => stderr.write(b) });
      // No keyboard: sys.stdin is at its end (input() says so itself, _bytewise.runner).
      pyodide.setStdin({ stdin: () => null });
      const run = runAndCapture(pyodide, code, python, hooks.onCapture);
      const started = performance.now();
      const coreReport = analyzeSnapshot(core, run.snapshot, { options: analysis });
      const analyzeMs = performance.now() - started;
      const report = buildReport(coreReport, run, { stdout: stdout.text, stderr: stderr.text, analyzeMs });
      return { report, snapshot: run.snapshot };
    },

    /**
     * sys.getsizeof(expression) measured here and predicted on every modelled platform.
     * @param {string} expression a Python expression
     * @returns {{ expression: string, error: string | null, sizes: Array<{ platform: string,
     *   description: string, status: string, size: number | null, rule: string,
     *   allocated: number | null, allocatedStatus: string, allocatedRule: string }> }}
     */
    sizeOf(expression) {
      if (typeof expression !== "string" || expression.trim() === "") {
        throw new BytewiseError(
          "api.bad_argument",
          'The expression must be a non-empty string of Python, such as "[1, 2, 3]".',
        );
      }
      const { report, snapshot } = this.measureWithSnapshot("", { roots: [expression], comparePlatform: null });
      if (report.roots.length === 0) {
        const why = report.diagnostics.map((d) => d.message).join(" ");
        return { expression, error: why || "the expression could not be measured", sizes: [] };
      }
      // The expression says how a list in it was built ([1, 2, 3] is a display of
      // constants, which each version compiles differently); the model uses that.
      const runner = pyodide.pyimport("_bytewise.runner");
      const hint = runner.list_construction(expression);
      runner.destroy();
      const ptr = core._malloc(snapshot.length);
      try {
        core.HEAPU8.set(snapshot, ptr);
        const sizes = core.predictRoot(ptr, snapshot.length, 0, hint);
        if (!Array.isArray(sizes)) throw new BytewiseError("core.bad_snapshot", sizes.errors[0].message);
        return { expression, error: null, sizes };
      } finally {
        core._free(ptr);
      }
    },

    /**
     * Runs `code` and X-rays the object `expression` evaluates to (default: the code's
     * last variable): its bytes in Pyodide's memory, decoded (core/include/bytewise/xray.hpp).
     * @returns {{ ok: boolean, blocks?: object[], problems?: object[], errors?: object[] }}
     */
    xray(code, expression) {
      const { report, snapshot } = this.measureWithSnapshot(code, { roots: [expression], comparePlatform: null });
      if (report.roots.length === 0) {
        return {
          ok: false,
          errors: report.diagnostics.map((d) => ({ code: d.code, offset: null, message: d.message })),
        };
      }
      const ptr = core._malloc(snapshot.length);
      let subject;
      try {
        core.HEAPU8.set(snapshot, ptr);
        subject = core.xraySubject(ptr, snapshot.length, 0);
      } finally {
        core._free(ptr);
      }
      if (subject.ok === false) return subject;
      return xrayObject(pyodide, core, subject);
    },

    /**
     * Small-int explorer data: for each value in low..high, the ids of two ints made from
     * its text one after the other; equal ids mean CPython handed out its cached object.
     * @param {{ low?: number, high?: number }} [options] at most 10,001 values within ±1,000,000
     * @returns {{ platform: object, cached_range: [number, number] | null, stride: number | null,
     *             values: Array<{ value: number, id: number, id_again: number, cached: boolean }> }}
     */
    smallInts({ low = -10, high = 300 } = {}) {
      const bound = 1_000_000;
      if (
        !Number.isInteger(low) ||
        !Number.isInteger(high) ||
        low > high ||
        high - low > 10_000 ||
        Math.abs(low) > bound ||
        Math.abs(high) > bound
      ) {
        throw new BytewiseError(
          "api.bad_option",
          "low and high must be whole numbers within ±1,000,000, low <= high, at most 10,000 apart (such as { low: -10, high: 300 }).",
        );
      }
      const { platform } = this.measure("", {
        roots: ["None"],
        comparePlatform: null,
        allocated: false,
        retained: false,
      });
      const probe = pyodide.pyimport("_bytewise.probe");
      let rows;
      try {
        const proxy = probe.small_int_ids(low, high);
        rows = proxy.toJs();
        proxy.destroy();
      } finally {
        probe.destroy();
      }
      const values = rows.map(([value, id, idAgain]) => ({
        value,
        id: Number(id),
        id_again: Number(idAgain),
        cached: id === idAgain,
      }));
      // Cached ints sit in one static array: neighbours' ids differ by the object's size.
      const at = new Map(values.map((v) => [v.value, v]));
      const zero = at.get(0);
      const one = at.get(1);
      const stride = zero?.cached && one?.cached ? one.id - zero.id : null;
      return { platform, cached_range: platform.small_int_range, stride, values };
    },

    /** Like measureWithSnapshot, the report only. */ /** Like measureWithSnapshot, the report only. */
    measure(code, options = {}) {
      return this.measureWithSnapshot(code, options).report;
    },

    /**
     * Footprint experiments: for each N, every way of holding N values (list, array,
     * tuple, generator, range, ...) with its shallow and deep size and tracemalloc's
     * peak while building; and the peaks of sum([...]) vs sum(...) and "".join vs +=.
     * @param {{ sizes?: number[] }} [options] N values (1 to 8 of them, each 0..1,000,000)
     * @returns {{ platform: string, structures: Array<{ name: string, points: object[] }>,
     *             peaks: Array<{ name: string, points: object[] }> }}
     */
    footprints({ sizes = [10, 100, 1_000, 10_000, 100_000] } = {}) {
      if (
        !Array.isArray(sizes) ||
        sizes.length === 0 ||
        sizes.length > 8 ||
        !sizes.every((n) => Number.isInteger(n) && n >= 0 && n <= 1_000_000)
      ) {
        throw new BytewiseError("api.bad_option", "sizes must list 1 to 8 whole numbers from 0 to 1,000,000.");
      }
      const experiments = pyodide.pyimport("_bytewise.experiments");
      const pySizes = pyodide.toPy(sizes);
      let result;
      try {
        result = experiments.footprints(pySizes);
      } finally {
        pySizes.destroy();
        experiments.destroy();
      }
      const structures = new Map();
      const peaks = new Map();
      let platform = "";
      try {
        for (const entry of result.get("structures")) {
          const [name, n, snapshotProxy, peak, current] = entry.toJs({ depth: 1 });
          const bytes = snapshotProxy.toJs();
          snapshotProxy.destroy();
          entry.destroy();
          const r = analyzeSnapshot(core, bytes, { options: { retained: false, topN: 0 } });
          if (!r.ok) throw new BytewiseError("core.bad_snapshot", r.errors[0].message);
          platform = r.platform.description;
          const root = r.roots[0];
          if (!structures.has(name)) structures.set(name, []);
          structures
            .get(name)
            .push({ n, shallow: root.shallow, deep: root.deep, objects: root.objects, peak, current });
        }
        for (const entry of result.get("peaks")) {
          const [name, n, peak] = entry.toJs();
          entry.destroy();
          if (!peaks.has(name)) peaks.set(name, []);
          peaks.get(name).push({ n, peak });
        }
      } finally {
        result.destroy();
      }
      const series = (map) => [...map].map(([name, points]) => ({ name, points }));
      return { platform, structures: series(structures), peaks: series(peaks) };
    },
  };
}
