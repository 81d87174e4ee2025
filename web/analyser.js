// The analyser: the core's side of a measurement, wherever a core wasm module runs (the
// page's app module, Node's core module). It checks options against the core's option
// table and turns a run (the snapshot bytes and the runner's facts) into the public
// report, docs/measure-report.schema.json, which the core writes (core/include/bytewise/
// report.hpp). Nothing here computes a number: it moves bytes and JSON.
//
//   const analyser = createAnalyser(coreModule);
//   const probe = analyser.check({ objectCap: 10_000 });  // throws BytewiseError
//   const run = runner.run(code, probe);                  // web/python-runner.js
//   const report = analyser.report(run, { objectCap: 10_000 });

/** A misuse of the API (bad option, bad argument): the message names it and the fix. */
export class BytewiseError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "BytewiseError";
    this.code = code;
  }
}

/**
 * The facts of a run that produced no output, error or trace (experiments' captures).
 * @type {RunFacts}
 */
export const QUIET_RUN = Object.freeze({
  error: null,
  output: [],
  tracemalloc: null,
  run_ms: 0,
  capture_ms: 0,
});

/**
 * @typedef {{ error: object | null, output: Array<{ stream: "stdout" | "stderr", text: string }>,
 *             tracemalloc: object | null, run_ms: number, capture_ms: number,
 *             capture?: { method: "native" | "probe", reason: string | null } | null }} RunFacts
 *   output: what the program printed, in the order printed, a chunk per change of stream;
 *   capture: who captured (web/python-runner.js), absent where nobody says
 * @typedef {{ snapshot: Uint8Array, facts: RunFacts }} Run
 */

function describe(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "an object";
}

/** A block of the module's heap for `bytes`, or a BytewiseError. */
function reserve(module, bytes) {
  if (!(bytes instanceof Uint8Array)) {
    throw new BytewiseError("api.bad_argument", `Expected the snapshot as a Uint8Array, got ${describe(bytes)}.`);
  }
  const ptr = module._malloc(Math.max(bytes.length, 1)) >>> 0;
  if (!ptr) {
    throw new BytewiseError(
      "api.out_of_memory",
      `The core could not reserve ${bytes.length.toLocaleString("en")} bytes for the snapshot.`,
    );
  }
  return ptr;
}

/**
 * Copies `bytes` into the module's heap for the duration of `use(ptr, length)`.
 * @template T
 * @param {object} module an instantiated bytewise-core or bytewise-app module
 * @param {Uint8Array} bytes
 * @param {(ptr: number, length: number) => T} use
 * @returns {T}
 */
export function withBytes(module, bytes, use) {
  const ptr = reserve(module, bytes);
  try {
    module.HEAPU8.set(bytes, ptr);
    return use(ptr, bytes.length);
  } finally {
    module._free(ptr);
  }
}

/**
 * Copies `bytes` into a block of the module's heap and hands the block to `use(ptr,
 * length)`, which takes it: the module frees it (wasm/bindings/measure.hpp report_bytes
 * frees a snapshot as soon as it is read, before the analysis needs the memory).
 * @template T
 * @param {object} module an instantiated bytewise-core or bytewise-app module
 * @param {Uint8Array} bytes
 * @param {(ptr: number, length: number) => T} use
 * @returns {T}
 */
function handBytes(module, bytes, use) {
  const ptr = reserve(module, bytes);
  module.HEAPU8.set(bytes, ptr);
  return use(ptr, bytes.length);
}

function optionsText(options) {
  if (options === undefined) return "{}";
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new BytewiseError("api.bad_options", "Options must be an object, such as { objectCap: 10000 }.");
  }
  try {
    return JSON.stringify(options);
  } catch (err) {
    throw new BytewiseError("api.bad_options", `Options must be plain JSON values: ${err.message}.`);
  }
}

/**
 * @param {object} module an instantiated bytewise-core or bytewise-app module
 */
export function createAnalyser(module) {
  /** The core's option table: [{ name, owners, kind, low, high, default, flag, flagInverts, help }]. */
  const options = Object.freeze(JSON.parse(module.optionTable()));
  /** The platforms the layout model covers: [{ name, short, description, default }]. */
  const platforms = Object.freeze(JSON.parse(module.platformTable()));
  /** The experiments' defaults and limits: { smallInts: { low, high, bound, span },
   * footprints: { sizes, maxSizes, maxN } }. */
  const experiments = Object.freeze(JSON.parse(module.experimentTable()));
  const failed = (result) => {
    const first = result.errors[0];
    throw new BytewiseError(first.code, result.errors.map((e) => e.message).join(" "));
  };
  return {
    module,
    options,
    platforms,
    experiments,
    /** The platform measure() compares with unless told otherwise. */
    defaultPlatform: platforms.find((p) => p.default).name,

    /**
     * Checks measure() options against the table and returns the probe's part (the
     * Python runner's names). Throws BytewiseError naming every bad option.
     * @param {object} [given]
     * @returns {object}
     */
    check(given) {
      const checked = JSON.parse(module.checkOptions(optionsText(given)));
      if (!checked.ok) failed(checked);
      return checked.probe;
    },

    /**
     * What the host that runs the program reads from measure() options (checked as by
     * check()): { timeLimitMs } (0: no limit).
     * @param {object} [given]
     */
    limits(given) {
      const checked = JSON.parse(module.checkOptions(optionsText(given)));
      if (!checked.ok) failed(checked);
      return { timeLimitMs: checked.sandbox.time_limit_seconds * 1000 };
    },

    /**
     * The report of a run that produced no capture: stopped at its time limit, or its
     * interpreter died. `facts` hold what it printed before.
     * @param {string} code a diagnostic code ("run.time_limit", "run.crashed")
     * @param {string} message a sentence for people
     * @param {RunFacts} facts
     */
    stoppedReport(code, message, facts) {
      return JSON.parse(module.stoppedReport(code, message, JSON.stringify(facts)));
    },

    /**
     * The public report of a run. `show` (the app module only) also hands the analysis to
     * the canvas, keeping its view when `keepView`.
     * @param {Run} run
     * @param {object} [given] measure() options, as passed to check()
     * @param {{ show?: boolean, keepView?: boolean }} [how]
     * @returns {object} the report (docs/measure-report.schema.json)
     */
    report(run, given = {}, { show = false, keepView = false } = {}) {
      const text = optionsText(given);
      const facts = JSON.stringify(run.facts);
      return JSON.parse(
        handBytes(module, run.snapshot, (ptr, length) =>
          show ? module.showReport(ptr, length, text, facts, keepView) : module.report(ptr, length, text, facts),
        ),
      );
    },

    /**
     * The trace report (docs/trace-report.schema.json) of a recorded run: every step's
     * snapshot is copied into the module's memory once, in one block.
     * @param {Array<{ meta: object, snapshot: Uint8Array }>} steps as the runner recorded them
     * @param {string} code the program (each line's text)
     * @param {RunFacts} facts
     * @param {object} given measure() options (the policy, stepCap)
     * @param {{ truncated: boolean, stopped: Array<{ code: string, message: string }> }} how
     */
    trace(steps, code, facts, given, { truncated, stopped }) {
      let length = 0;
      const index = [];
      for (const { meta, snapshot } of steps) {
        index.push({ meta, offset: length, length: snapshot.length });
        length += snapshot.length;
      }
      const all = new Uint8Array(length);
      for (const [i, { snapshot }] of steps.entries()) all.set(snapshot, index[i].offset);
      const text = JSON.stringify({ steps: index, truncated, stopped });
      return JSON.parse(
        withBytes(module, all, (ptr, size) =>
          module.trace(ptr, size, text, code, JSON.stringify(facts), optionsText(given)),
        ),
      );
    },

    /**
     * The small-int explorer's table from the probe's ids (runner.smallIntIds) and any
     * capture of the same interpreter (its platform and probed cache range).
     * @param {Run} run
     * @param {Array<[number, number, number]>} ids
     */
    smallInts(run, ids) {
      const result = JSON.parse(
        withBytes(module, run.snapshot, (ptr, length) => module.smallInts(ptr, length, JSON.stringify(ids))),
      );
      if (result.ok === false) failed(result);
      return result;
    },

    /**
     * getsizeof of root `index` predicted on every modelled platform (the core module only).
     * @param {Run} run
     * @param {number} index
     * @param {string} hint how a list was built (runner.listConstruction)
     */
    predictRoot(run, index, hint) {
      const sizes = withBytes(module, run.snapshot, (ptr, length) => module.predictRoot(ptr, length, index, hint));
      if (!Array.isArray(sizes)) failed(sizes);
      return sizes;
    },

    /** The X-ray subject of root `index` (core/include/bytewise/xray.hpp), or a failure. */
    xraySubject(run, index) {
      return withBytes(module, run.snapshot, (ptr, length) => module.xraySubject(ptr, length, index));
    },

    /**
     * What changed between two captures of the same program: what appeared, was freed,
     * grew, shrank (core/include/bytewise/diff.hpp; the core module only).
     * @param {Uint8Array} before
     * @param {Uint8Array} after
     * @param {object} [given] measure() options: the policy and topN apply
     */
    diff(before, after, given = {}) {
      const text = optionsText(given);
      return withBytes(module, before, (a, aLength) =>
        withBytes(module, after, (b, bLength) => module.diff(a, aLength, b, bLength, text)),
      );
    },
  };
}
