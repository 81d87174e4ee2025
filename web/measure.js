// The measurement API: run Python code, capture its objects, analyse them, and return the
// public report (docs/measure-report.schema.json, written by the core). It joins the two
// halves that the page keeps apart: the runner where Pyodide runs (web/python-runner.js)
// and the analyser where the core runs (web/analyser.js). Node (web/node-api.js, the CLI)
// has both in one process; the page runs the runner in its worker and uses the
// experiments' helpers below with its own analyser.
//
//   const measurer = createMeasurer({ runner, analyser });
//   const report = await measurer.measure("x = [1, 2, 3]", { followTypes: true });
//
// Every method is async: the runner may be a child process (web/node-runner.js) that
// enforces the time limit (option timeLimit) by killing the program.
import { BytewiseError, QUIET_RUN } from "./analyser.js";
import { xrayObject } from "./xray.js";

export { BytewiseError } from "./analyser.js";
export { OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_LINES } from "./python-runner.js";

/** The options experiments' captures are analysed with: sizes here only. */
const EXPERIMENT_OPTIONS = Object.freeze({ retained: false, topN: 0, comparePlatform: null, allocated: false });

function checkCode(code) {
  if (typeof code !== "string") {
    throw new BytewiseError(
      "api.bad_argument",
      `The code to measure must be a string, not ${code === null ? "null" : typeof code}.`,
    );
  }
}

/**
 * Checks the small-int explorer's range against the core's limits.
 * @param {object} limits analyser.experiments.smallInts
 * @returns {{ low: number, high: number }}
 */
export function checkSmallIntRange(limits, { low = limits.low, high = limits.high } = {}) {
  const ok =
    Number.isInteger(low) &&
    Number.isInteger(high) &&
    low <= high &&
    high - low <= limits.span &&
    Math.abs(low) <= limits.bound &&
    Math.abs(high) <= limits.bound;
  if (!ok) {
    const n = (v) => v.toLocaleString("en");
    throw new BytewiseError(
      "api.bad_option",
      `low and high must be whole numbers within ±${n(limits.bound)}, low <= high, at most ${n(limits.span)} apart ` +
        `(such as { low: ${limits.low}, high: ${limits.high} }).`,
    );
  }
  return { low, high };
}

/**
 * Checks footprints' values of N against the core's limits.
 * @param {object} limits analyser.experiments.footprints
 * @returns {number[]}
 */
export function checkFootprintSizes(limits, { sizes = limits.sizes } = {}) {
  if (
    !Array.isArray(sizes) ||
    sizes.length === 0 ||
    sizes.length > limits.maxSizes ||
    !sizes.every((n) => Number.isInteger(n) && n >= 0 && n <= limits.maxN)
  ) {
    throw new BytewiseError(
      "api.bad_option",
      `sizes must list 1 to ${limits.maxSizes} whole numbers from 0 to ${limits.maxN.toLocaleString("en")}.`,
    );
  }
  return sizes;
}

/**
 * Footprint series from the runner's raw material (runner.footprints), sized by the core.
 * @param {ReturnType<import("./analyser.js").createAnalyser>} analyser
 * @param {{ structures: object[], peaks: object[] }} raw
 * @returns {{ platform: string, structures: Array<{ name: string, points: object[] }>,
 *             peaks: Array<{ name: string, points: object[] }> }}
 */
export function footprintSeries(analyser, raw) {
  const structures = new Map();
  const peaks = new Map();
  let platform = "";
  for (const { name, n, snapshot, peak, current } of raw.structures) {
    const report = analyser.report({ snapshot, facts: QUIET_RUN }, EXPERIMENT_OPTIONS);
    if (!report.platform) throw new BytewiseError("core.bad_snapshot", report.diagnostics[0].message);
    platform = report.platform.description;
    const root = report.roots[0];
    if (!structures.has(name)) structures.set(name, []);
    structures.get(name).push({ n, shallow: root.shallow, deep: root.deep, objects: root.objects, peak, current });
  }
  for (const { name, n, peak } of raw.peaks) {
    if (!peaks.has(name)) peaks.set(name, []);
    peaks.get(name).push({ n, peak });
  }
  const series = (map) => [...map].map(([name, points]) => ({ name, points }));
  return { platform, structures: series(structures), peaks: series(peaks) };
}

/**
 * @param {{ runner: ReturnType<import("./python-runner.js").createRunner>,
 *           analyser: ReturnType<import("./analyser.js").createAnalyser> }} deps
 */
export function createMeasurer({ runner, analyser }) {
  const core = analyser.module;

  /** Why a run the host ended did not finish: { code, message }, or null if it did. */
  function stoppedBecause(run, timeLimitMs) {
    if (run.stopped === "time limit") {
      const seconds = (timeLimitMs / 1000).toLocaleString("en");
      const message =
        `The program was still running after the time limit of ${seconds} s, so it was stopped ` +
        "(option timeLimit changes the limit; 0 turns it off).";
      return { code: "run.time_limit", message };
    }
    if (run.stopped === "crash") {
      const message =
        `Python crashed (${run.message}); a fresh one runs the next program. Deep recursion ` +
        "through C, or a structure nested thousands of levels deep, can do this.";
      return { code: "run.crashed", message };
    }
    return null;
  }

  /** Runs `code` with `options` (checked first) and returns the run and its report. */
  async function measureRun(code, options = {}) {
    checkCode(code);
    const probe = analyser.check(options);
    const { timeLimitMs } = analyser.limits(options);
    await runner.prepare();
    const run = await runner.run(code, probe, { timeLimitMs });
    const stopped = stoppedBecause(run, timeLimitMs);
    if (stopped) return { run, report: analyser.stoppedReport(stopped.code, stopped.message, run.facts) };
    return { run, report: analyser.report(run, options) };
  }

  return {
    analyser,

    /**
     * Runs `code`, captures its variables and analyses them.
     * @param {string} code Python source
     * @param {object} [options] the core's option table (analyser.options); every option's
     *   name, range, default and meaning are there
     * @returns {object} the report (docs/measure-report.schema.json)
     */
    async measure(code, options = {}) {
      return (await measureRun(code, options)).report;
    },

    /**
     * Runs `code` recording a step at each line of its own code and one when it ends: the
     * frames, their variables' sizes, what each step allocated, freed and changed, and
     * memory by line. A program stopped by the time limit keeps the steps it had.
     * @param {string} code Python source
     * @param {object} [options] measure() options; stepCap bounds the steps recorded
     * @returns {Promise<object>} the trace report (docs/trace-report.schema.json)
     */
    async trace(code, options = {}) {
      checkCode(code);
      const probe = analyser.check(options);
      const { timeLimitMs } = analyser.limits(options);
      await runner.prepare();
      const run = await runner.trace(code, probe, { stepCap: probe.step_cap, timeLimitMs });
      const stopped = stoppedBecause(run, timeLimitMs);
      return analyser.trace(run.steps, code, run.facts, options, {
        truncated: run.truncated,
        stopped: stopped ? [stopped] : [],
      });
    },

    /**
     * sys.getsizeof(expression) measured here and predicted on every modelled platform.
     * @param {string} expression a Python expression
     * @returns {{ expression: string, error: string | null, sizes: Array<{ platform: string,
     *   description: string, status: string, size: number | null, rule: string,
     *   allocated: number | null, allocatedStatus: string, allocatedRule: string }> }}
     */
    async sizeOf(expression) {
      if (typeof expression !== "string" || expression.trim() === "") {
        throw new BytewiseError(
          "api.bad_argument",
          'The expression must be a non-empty string of Python, such as "[1, 2, 3]".',
        );
      }
      const { run, report } = await measureRun("", { roots: [expression], comparePlatform: null });
      if (report.roots.length === 0) {
        const why = report.diagnostics.map((d) => d.message).join(" ");
        return { expression, error: why || "the expression could not be measured", sizes: [] };
      }
      // The expression says how a list in it was built ([1, 2, 3] is a display of
      // constants, which each version compiles differently); the model uses that.
      const hint = await runner.listConstruction(expression);
      const sizes = analyser.predictRoot(run, 0, hint);
      return { expression, error: null, sizes };
    },

    /**
     * Runs `code` and X-rays the object `expression` evaluates to: its bytes in Pyodide's
     * memory, decoded (core/include/bytewise/xray.hpp).
     * @returns {{ ok: boolean, blocks?: object[], problems?: object[], errors?: object[] }}
     */
    async xray(code, expression) {
      const { run, report } = await measureRun(code, { roots: [expression], comparePlatform: null });
      if (report.roots.length === 0) {
        return {
          ok: false,
          errors: report.diagnostics.map((d) => ({ code: d.code, offset: null, message: d.message })),
        };
      }
      const subject = analyser.xraySubject(run, 0);
      if (subject.ok === false) return subject;
      return xrayObject(core, subject, (ranges) => runner.memory(ranges));
    },

    /**
     * Small-int explorer data: for each value in low..high, the ids of two ints made from
     * its text one after the other; equal ids mean CPython handed out its cached object.
     * @param {{ low?: number, high?: number }} [options] limits: analyser.experiments.smallInts
     * @returns {{ platform: object, cached_range: [number, number] | null, stride: number | null,
     *             values: Array<{ value: number, id: number, id_again: number, cached: boolean }> }}
     */
    async smallInts(options = {}) {
      const { low, high } = checkSmallIntRange(analyser.experiments.smallInts, options);
      const { run } = await measureRun("", { roots: ["None"], ...EXPERIMENT_OPTIONS });
      return analyser.smallInts(run, await runner.smallIntIds(low, high));
    },

    /**
     * Footprint experiments: for each N, every way of holding N values (list, array,
     * tuple, generator, range, ...) with its shallow and deep size and tracemalloc's
     * peak while building; and the peaks of sum([...]) vs sum(...) and "".join vs +=.
     * @param {{ sizes?: number[] }} [options] limits: analyser.experiments.footprints
     */
    async footprints(options = {}) {
      const sizes = checkFootprintSizes(analyser.experiments.footprints, options);
      return footprintSeries(analyser, await runner.footprints(sizes, analyser.check({})));
    },
  };
}
