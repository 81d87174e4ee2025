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
 *           output: { clear: () => void, append: (text: string, kind: string) => void, text: () => string,
 *                     nodes: () => Node[], show: (nodes: Node[]) => void },
 *           runs: { begin: () => boolean, end: (outcome: object) => void, info: (text: string) => void,
 *                   options: () => object, timeLimitMs: () => number,
 *                   sayOutcome: (outcome: object, limitMs: number) => void,
 *                   afterRecording: (outcome: object) => string | null } }} page
 *   runs.begin: false when a run is in progress or Python is not ready (nothing starts);
 *   runs.afterRecording: the heap's upkeep after a recording, and what to say about it
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

  // The output pane while stepping: what was there before the recording began (a notice,
  // a shared program's "Restore my code") and then what the program printed up to the
  // step, redrawn only when that changes (the pane is a live region).
  let kept = [];
  let printedKey = "";

  /** The editor's marks and the output pane for `step` of `report`. */
  function showStep(step, previous, report) {
    // The line the step before was about to run is the one just run (at the final step,
    // which has no line, the program's last).
    editor.markLines({ next: step.line, done: previous?.line ?? null });
    let chunks = 0;
    for (const s of report.steps.slice(0, step.index + 1)) chunks += s.output.length;
    // A Stop's KeyboardInterrupt is the notice's "Stopped", not the program's own error.
    const stopped = report.diagnostics.some((d) => d.code === "run.stopped" || d.code === "run.time_limit");
    const error =
      step.line === null && report.error && !(stopped && report.error.type === "KeyboardInterrupt")
        ? report.error
        : null;
    const key = `${chunks}:${Boolean(error)}`;
    if (key === printedKey) return;
    printedKey = key;
    const printed = document.createElement("span");
    const add = (text, kind) => {
      const span = document.createElement("span");
      span.className = `bw-out-${kind}`;
      span.textContent = text;
      printed.append(span);
    };
    for (const s of report.steps.slice(0, step.index + 1)) {
      for (const chunk of s.output) add(chunk.text, chunk.stream);
    }
    if (error) {
      add(error.traceback, "stderr");
      if (error.hint) add(`${error.hint}\n`, "notice");
    }
    output.show([...kept, printed]);
  }

  function hide() {
    printedKey = "";
    if (!stepper.report) return;
    stepper.hide();
    editor.markLines({ next: null, done: null });
    document.body.classList.remove("bw-stepping");
  }
  $("bw-step-close").addEventListener("click", hide);

  /** Why the recording ended early, as the trace report's `stopped` diagnostics. */
  function stoppedBecause(outcome, limitMs) {
    const how = outcome.kind === "result" ? outcome.stopped : outcome.kind === "stopped" ? outcome.reason : null;
    if (outcome.kind === "crashed") {
      const message =
        `Python crashed (${outcome.message}) and is restarting by itself; the steps recorded until then ` +
        "are here. Deep recursion, or a structure nested thousands of levels deep, can do this.";
      return [{ code: "run.crashed", message }];
    }
    if (outcome.kind === "failed") {
      return [{ code: "run.failed", message: `${outcome.message}; the steps recorded until then are here.` }];
    }
    const restarting =
      outcome.kind === "stopped" ? " (inside a call Python could not interrupt: it is restarting)" : "";
    if (how === "time limit") {
      const seconds = (limitMs / 1000).toLocaleString("en");
      return [
        {
          code: "run.time_limit",
          message:
            `The program was still running after the time limit of ${seconds} s, so it was stopped${restarting}; ` +
            "the steps recorded until then are here.",
        },
      ];
    }
    if (how === "stop") {
      return [{ code: "run.stopped", message: `Stopped${restarting}; the steps recorded until then are here.` }];
    }
    return [];
  }

  /**
   * Runs the program recording each line, then shows its steps from step `at`: an index,
   * or a function of the trace report that picks one (a lesson's stop; -1: the first).
   * @param {{ at?: number | ((report: object) => number), keepOutput?: boolean }} [where]
   *   keepOutput: what the output pane holds stays above the program's output (a shared
   *   program's notice)
   */
  async function stepThrough({ at = 0, keepOutput = false } = {}) {
    if (!runs.begin()) return;
    hide();
    if (!keepOutput) output.clear();
    const options = runs.options();
    const limit = runs.timeLimitMs();
    kept = output.nodes();
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
    const recycled = runs.afterRecording(outcome);
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
        stopped: stoppedBecause(outcome, limit),
      });
    } catch (err) {
      output.append(`Bytewise error: ${err.message}\n`, "stderr");
      return;
    }
    document.body.classList.add("bw-stepping");
    stepper.show(report, {
      at: Math.max(typeof at === "function" ? at(report) : at, 0),
      notes: recycled ? [recycled] : [],
    });
    const ms = (performance.now() - started).toFixed(0);
    runs.info(
      `${report.steps.length.toLocaleString("en")} steps recorded and analysed in ${ms} ms` +
        (report.truncated ? `, recording stopped at the step cap of ${report.step_cap.toLocaleString("en")}` : ""),
    );
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
    const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      event.preventDefault();
      stepper.move(moves[event.key]);
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
    /** The code was edited: the steps shown are another program's, so they go. */
    codeChanged: hide,
    /** The step shown, or null when no recorded run is shown. */
    index: () => (stepper.report ? stepper.index : null),
    shown,
  };
}
