// The sandbox: one Python worker (web/worker.js) and everything that keeps it usable.
// User code only ever runs in the worker. This module starts it, runs code in it, stops
// runaway code, and replaces the worker when it cannot go on:
//
//   - Stop (a button, Esc, or the run time limit) first asks Python to stop by writing
//     SIGINT to the interrupt buffer, which raises KeyboardInterrupt within milliseconds.
//     That needs SharedArrayBuffer, so the page must be cross-origin isolated. Code that
//     cannot be interrupted (one long C call such as time.sleep(30)), or a page without
//     isolation, gets the worker terminated and a fresh one started.
//   - A fatal Pyodide error (the interpreter is dead) restarts the worker by itself.
//   - The wasm heap never shrinks: after a run that left it above RECYCLE_HEAP_BYTES, the
//     worker is replaced so the memory goes back to the browser.
//
//   const sandbox = new Sandbox({ createWorker, pyodideUrl, onEvent });
//   await sandbox.ready;
//   const outcome = await sandbox.run(code, probe, { timeLimitMs: 10_000 });  // probe: analyser.check()
//   sandbox.stop();  // from a button while run() is pending

/** How long an interrupted run may take to come back before the worker is replaced. */
export const STOP_GRACE_MS = 800;
/** The same once the program has ended and the probe measures: the capture of a big heap
 * takes seconds and runs none of the program's code, so it is let finish. */
export const CAPTURE_GRACE_MS = 5_000;
/** Heap size after which the worker is replaced once the run's results are shown. */
export const RECYCLE_HEAP_BYTES = 512 * 2 ** 20;
/** The run time limit the page starts with; 0 turns it off. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/**
 * @typedef {{ kind: "result", run: import("./analyser.js").Run, heapBytes: number,
 *             stopped: null | "stop" | "time limit" }
 *   | { kind: "stopped", reason: "stop" | "time limit", restarted: true, afterMs: number }
 *   | { kind: "crashed", message: string }
 *   | { kind: "failed", message: string }} RunOutcome
 *
 * Events (onEvent): { type: "progress", stage, fraction }, { type: "ready", python, pyodide,
 * restart: boolean, ms }, { type: "output", stream, text }, { type: "phase",
 * phase: "capture" }, { type: "restarting", reason }, { type: "startFailed", message }.
 */

export class Sandbox {
  /**
   * @param {{ createWorker: () => Worker, pyodideUrl: string,
   *           onEvent?: (event: object) => void }} options
   *   createWorker: `() => new Worker(new URL("./worker.js", import.meta.url), { type: "module" })`,
   *   written where the bundler can see it
   */
  constructor({ createWorker, pyodideUrl, onEvent = () => {} }) {
    this.createWorker = createWorker;
    this.urls = { pyodideUrl };
    this.onEvent = onEvent;
    this.nextId = 1;
    this.requests = new Map();
    this.current = null; // the run in progress: { id, resolve, phase, stopping, timer }
    this.heapBytes = 0;
    this.restarts = 0;
    /** Counts workers started: objects of an earlier one are gone (X-ray needs a new run). */
    this.generation = 0;
    this.interrupts =
      typeof SharedArrayBuffer === "function" && globalThis.crossOriginIsolated !== false
        ? new Int32Array(new SharedArrayBuffer(4))
        : null;
    this.start(false);
  }

  /** True when Stop can interrupt Python instead of replacing the worker. */
  get canInterrupt() {
    return this.interrupts !== null;
  }

  start(restart) {
    const started = performance.now();
    this.generation += 1;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // callers that care await it; nobody else must see it reject
    this.isReady = false;
    // A Stop aimed at the worker being replaced must not interrupt the new one's start.
    if (this.interrupts) Atomics.store(this.interrupts, 0, 0);
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (event) => {
      if (this.worker === worker) this.receive(event.data, { started, restart });
    };
    worker.onerror = (event) => {
      if (this.worker !== worker) return;
      event.preventDefault?.();
      this.crashed(`the Python worker failed: ${event.message ?? "unknown error"}`);
    };
    worker.postMessage({
      type: "init",
      pyodideUrl: this.urls.pyodideUrl,
      interruptBuffer: this.interrupts,
    });
  }

  receive(message, { started, restart }) {
    switch (message.type) {
      case "ready":
        this.isReady = true;
        this.heapBytes = message.heapBytes ?? 0;
        this.onEvent({ ...message, restart, ms: performance.now() - started });
        this.resolveReady(message);
        break;
      case "result":
        this.heapBytes = message.heapBytes ?? this.heapBytes;
        this.finish(message.id, {
          kind: "result",
          run: message.run,
          heapBytes: this.heapBytes,
          stopped: this.current?.interrupted ? this.current.stopping : null,
        });
        break;
      case "phase": {
        const run = this.current;
        if (run?.id === message.id) {
          run.phase = message.phase;
          // The program ended (an interrupt took, or it finished as Stop came): the
          // capture gets its own, longer grace before the worker would be replaced.
          if (run.stopping && run.graceTimer) {
            clearTimeout(run.graceTimer);
            run.graceTimer = this.replaceAfter(run, CAPTURE_GRACE_MS);
          }
        }
        this.onEvent(message);
        break;
      }
      case "fatal":
        this.crashed(message.message);
        break;
      case "failed":
        if (this.settleRequest(message.id, (r) => r.reject(new Error(message.message)))) break;
        if (this.current?.id === message.id) {
          this.finish(message.id, { kind: "failed", message: message.message });
        } else if (!this.isReady) {
          this.onEvent({ type: "startFailed", message: message.message });
          this.rejectReady(new Error(message.message));
        }
        break;
      default:
        if (this.settleRequest(message.id, (r) => r.resolve(message.result))) break;
        if (message.type === "output" && this.current?.quiet) break; // a lesson's own run
        this.onEvent(message); // progress, output
    }
  }

  /**
   * Runs `code` in the worker; resolves with what became of it (never rejects).
   * @param {string} code
   * @param {object} probe the probe's options (the analyser's check() of measure() options)
   * @param {{ timeLimitMs?: number, quiet?: boolean }} [limits] quiet: the program's output
   *   is not passed on as events (it is still in the run's facts)
   * @returns {Promise<RunOutcome>}
   */
  run(code, probe, { timeLimitMs = 0, quiet = false } = {}) {
    if (this.current) return Promise.resolve({ kind: "failed", message: "a run is already in progress" });
    const id = this.nextId++;
    if (this.interrupts) Atomics.store(this.interrupts, 0, 0);
    return new Promise((resolve) => {
      this.current = { id, resolve, phase: "run", stopping: null, started: performance.now(), timers: [], quiet };
      if (timeLimitMs > 0) this.current.timers.push(setTimeout(() => this.stop("time limit"), timeLimitMs));
      this.worker.postMessage({ type: "run", id, code, probe });
    });
  }

  /**
   * Stops the run in progress: an interrupt first, the worker replaced if that does not
   * end it within STOP_GRACE_MS (or at once, without an interrupt buffer).
   * @param {"stop" | "time limit"} reason
   */
  stop(reason = "stop") {
    const run = this.current;
    if (!run || run.stopping) return;
    run.stopping = reason;
    // While the probe measures, the user's code is over: an interrupt would only spoil
    // the capture, so the grace period alone applies (the capture runs none of its code).
    const capturing = run.phase === "capture";
    run.interrupted = !capturing; // a Stop after the program's end changes nothing it printed
    if (this.interrupts && !capturing) Atomics.store(this.interrupts, 0, 2);
    const grace = capturing ? CAPTURE_GRACE_MS : this.interrupts ? STOP_GRACE_MS : 0;
    run.graceTimer = this.replaceAfter(run, grace);
  }

  /** Replaces the worker if `run` has not come back within `ms`. */
  replaceAfter(run, ms) {
    const timer = setTimeout(() => {
      if (this.current !== run) return;
      const afterMs = performance.now() - run.started;
      this.replaceWorker(run.stopping);
      this.finish(run.id, { kind: "stopped", reason: run.stopping, restarted: true, afterMs });
    }, ms);
    run.timers.push(timer);
    return timer;
  }

  /** Replaces the worker: after a stop that did not take, a crash, or heap growth. */
  replaceWorker(reason) {
    this.worker.terminate();
    this.restarts += 1;
    for (const [, r] of this.requests) r.reject(new Error(`Python restarted (${reason}) before it answered`));
    this.requests.clear();
    this.onEvent({ type: "restarting", reason });
    this.start(true);
  }

  crashed(message) {
    const run = this.current;
    this.replaceWorker("crash");
    if (run) this.finish(run.id, { kind: "crashed", message });
  }

  /** Replaces the worker when the last run left the heap larger than the limit. */
  recycleIfLarge() {
    if (this.current || this.heapBytes <= RECYCLE_HEAP_BYTES) return false;
    this.replaceWorker("heap");
    return true;
  }

  finish(id, outcome) {
    const run = this.current;
    if (!run || run.id !== id) return;
    for (const t of run.timers) clearTimeout(t);
    this.current = null;
    run.resolve(outcome);
  }

  settleRequest(id, action) {
    const r = this.requests.get(id);
    if (!r) return false;
    this.requests.delete(id);
    action(r);
    return true;
  }

  /** A question for the worker's Python other than a run (small ints, footprints, X-ray). */
  request(type, options) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, options });
    });
  }
}
