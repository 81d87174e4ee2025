// Stepping through a recorded run, on the page: the "Step through" button (Alt+S) runs the
// program once under sys.monitoring in the worker, a step at each line of its own code
// (web/py/_bytewise/stepping.py); the core turns the steps into a trace report
// (docs/trace-report.schema.json); the stepping view (web/stepping-view.js) shows it one
// step at a time, and each step marks its lines in the editor and puts the output printed
// up to it in the output pane. The view takes the place of the diagram and the sizes table
// (body.bw-stepping) until Close or the next Run.
//
//   const stepping = setupStepping({ editor, sandbox, analyser, output, runs });
//   stepping.stepThrough({ at: 0 });
import { createStepper } from "./stepping-view.js";

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {{ editor: ReturnType<typeof import("./editor.js").createEditor>,
 *           sandbox: import("./sandbox.js").Sandbox, analyser: () => Promise<object>,
 *           output: { clear: () => void, append: (text: string, kind: string) => void, text: () => string },
 *           runs: { begin: () => boolean, end: (outcome: object) => void, info: (text: string) => void,
 *                   options: () => object, timeLimitMs: () => number,
 *                   sayOutcome: (outcome: object, limitMs: number) => void } }} page
 *   runs.begin: false when a run is in progress or Python is not ready (nothing starts)
 */
export function setupStepping({ editor, sandbox, analyser, output, runs }) {
  const stepper = createStepper(
    {
      section: $("bw-stepper"),
      first: /** @type {HTMLButtonElement} */ ($("bw-step-first")),
      back: /** @type {HTMLButtonElement} */ ($("bw-step-back")),
      forward: /** @type {HTMLButtonElement} */ ($("bw-step-forward")),
      last: /** @type {HTMLButtonElement} */ ($("bw-step-last")),
      slider: /** @type {HTMLInputElement} */ ($("bw-step-slider")),
      play: /** @type {HTMLButtonElement} */ ($("bw-step-play")),
      speed: /** @type {HTMLSelectElement} */ ($("bw-step-speed")),
      position: $("bw-step-position"),
      notice: $("bw-step-notice"),
      changes: $("bw-step-changes"),
      frames: $("bw-step-frames"),
      chart: /** @type {SVGSVGElement} */ (/** @type {unknown} */ ($("bw-step-chart"))),
      legend: $("bw-step-legend"),
      lines: /** @type {HTMLTableElement} */ ($("bw-step-lines")),
    },
    { onStep: showStep },
  );

  /** The editor's marks and the output pane for `step` of `report`. */
  function showStep(step, previous, report) {
    // The line the step before was about to run is the one just run (at the final step,
    // which has no line, the program's last).
    editor.markLines({ next: step.line, done: previous?.line ?? null });
    output.clear();
    for (const s of report.steps.slice(0, step.index + 1)) {
      for (const chunk of s.output) output.append(chunk.text, chunk.stream);
    }
    if (step.line === null && report.error) output.append(report.error.traceback, "stderr");
  }

  function hide() {
    if (!stepper.report) return;
    stepper.hide();
    editor.markLines({ next: null, done: null });
    document.body.classList.remove("bw-stepping");
  }
  $("bw-step-close").addEventListener("click", hide);

  /** Why the recording ended early, as the trace report's `stopped` diagnostics. */
  function stoppedBecause(how, limitMs) {
    if (how === "time limit") {
      const seconds = (limitMs / 1000).toLocaleString("en");
      return [
        {
          code: "run.time_limit",
          message:
            `The program was still running after the time limit of ${seconds} s, so it was stopped; ` +
            "the steps recorded until then are here.",
        },
      ];
    }
    if (how === "stop") return [{ code: "run.stopped", message: "Stopped; the steps recorded until then are here." }];
    return [];
  }

  /** Runs the program recording each line, then shows its steps from step `at`. */
  async function stepThrough({ at = 0 } = {}) {
    if (!runs.begin()) return;
    output.clear();
    const options = runs.options();
    const limit = runs.timeLimitMs();
    const code = editor.getCode();
    let a;
    let probe;
    try {
      a = await analyser();
      probe = a.check(options);
    } catch (err) {
      runs.end({ kind: "failed" });
      output.append(`Bytewise error: ${err.message}\n`, "stderr");
      return;
    }
    const started = performance.now();
    const outcome = await sandbox.trace(code, probe, { timeLimitMs: limit });
    runs.end(outcome);
    // A run stopped by replacing its worker keeps the steps it had: they are shown.
    const how = outcome.kind === "result" ? outcome.stopped : outcome.kind === "stopped" ? outcome.reason : null;
    if (outcome.kind !== "result" && outcome.steps.length === 0) {
      runs.sayOutcome(outcome, limit);
      return;
    }
    const facts =
      outcome.kind === "result"
        ? outcome.run.facts
        : { error: null, output: [], tracemalloc: null, run_ms: performance.now() - started, capture_ms: 0 };
    let report;
    try {
      report = a.trace(outcome.steps, code, facts, options, {
        truncated: outcome.kind === "result" && outcome.run.truncated,
        stopped: stoppedBecause(how, limit),
      });
    } catch (err) {
      output.append(`Bytewise error: ${err.message}\n`, "stderr");
      return;
    }
    document.body.classList.add("bw-stepping");
    stepper.show(report, { at });
    runs.info(
      `recorded ${report.steps.length.toLocaleString("en")} steps in ${(performance.now() - started).toFixed(0)} ms` +
        (report.truncated ? `, stopped recording at the step cap of ${report.step_cap.toLocaleString("en")}` : ""),
    );
    if (outcome.kind !== "result") runs.sayOutcome(outcome, limit);
    $("bw-stepper").focus({ preventScroll: true });
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyS") {
      event.preventDefault();
      stepThrough();
      return;
    }
    // Left and Right step anywhere but where they edit or move something themselves.
    if (!stepper.report || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest?.("input, select, textarea, .cm-editor, canvas, [contenteditable]")) return;
    if (target.closest?.("#bw-stepper")) return; // the view handles its own keys
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      stepper.move(event.key === "ArrowLeft" ? -1 : 1);
    }
  });

  /** What the page shows of the steps, for tests: frames, marked lines, output, chart. */
  function shown() {
    const frames = [...document.querySelectorAll("#bw-step-frames .bw-frame")].map((box) => ({
      function: /** @type {HTMLElement} */ (box).dataset.function,
      title: box.querySelector(".bw-frame-title")?.textContent ?? "",
      slots: [...box.querySelectorAll("tbody tr[data-name]")].map((row) => ({
        name: /** @type {HTMLElement} */ (row).dataset.name,
        status: /** @type {HTMLElement} */ (row).dataset.status,
        cells: [.../** @type {HTMLTableRowElement} */ (row).cells].map((c) => c.textContent),
      })),
    }));
    const { next, done } = editor.markedLines();
    return {
      shown: Boolean(stepper.report),
      index: stepper.report ? stepper.index : null,
      count: stepper.report?.steps.length ?? 0,
      report: stepper.report,
      frames,
      next,
      done,
      output: output.text(),
      chartPaths: [...document.querySelectorAll("#bw-step-chart path")].map((p) => p.getAttribute("class")),
      currentRow:
        /** @type {HTMLElement | null} */ (document.querySelector("#bw-step-lines tr.bw-line-current"))?.dataset.line ??
        null,
    };
  }

  return {
    stepThrough,
    hide,
    /** The step shown, or null when no recorded run is shown. */
    index: () => (stepper.report ? stepper.index : null),
    shown,
  };
}
