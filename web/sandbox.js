// The sandbox: the Python workers (web/worker.js, started in the sandbox frame by
// web/frame-host.js) and everything that keeps them usable. User code only ever runs in
// a worker. This module starts them, runs code in them, stops runaway code, and replaces
// a worker when it cannot go on:
//
//   - Each run starts a spare worker, one that runs no program until the next run takes
//     it: nothing a program did to its interpreter, Python or JavaScript, can reach a run
//     in a fresh worker. A run that comes before the spare is ready reuses the last run's
//     worker, whose Python state that run put back (web/py/_bytewise/state.py), unless it
//     left what could not be put back. The last run's worker stays until the next run,
//     for the X-ray of its objects.
//   - Stop (a button, Esc, or the run time limit) first asks Python to stop by writing
//     SIGINT to the interrupt buffer, which raises KeyboardInterrupt within milliseconds.
//     That needs SharedArrayBuffer, so the page must be cross-origin isolated; the frame
//     holds the buffer and writes it when asked (worker.interrupt()). Code that cannot be
//     interrupted (one long C call such as time.sleep(30)), or a page without isolation,
//     gets the worker terminated and a fresh one started.
//   - A fatal Pyodide error (the interpreter is dead) restarts the worker by itself.
//   - The wasm heap never shrinks: after a run that left it above RECYCLE_HEAP_BYTES, the
//     worker is replaced so the memory goes back to the browser.
//
//   const sandbox = new Sandbox({ createWorker: host.createWorker, canInterrupt: host.canInterrupt, onEvent });
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
/** How long the last run's finalizers may take before a run that reuses its worker gets a fresh one. */
export const PREPARE_LIMIT_MS = 2_000;
/** How long after a run's results the next run's fresh worker starts. */
export const SPARE_DELAY_MS = 300;
/** The run time limit the page starts with; 0 turns it off. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/**
 * @typedef {{ kind: "result", run: import("./analyser.js").Run, heapBytes: number,
 *             stopped: null | "stop" | "time limit" }
 *   | { kind: "stopped", reason: "stop" | "time limit", restarted: boolean, afterMs: number }
 *     (restarted false: stopped before the program started)
 *   | { kind: "crashed", message: string }
 *   | { kind: "failed", message: string }} RunOutcome
 *
 * Events (onEvent): { type: "progress", stage, fraction }, { type: "ready", python, pyodide,
 * restart: boolean, ms }, { type: "output", stream, text }, { type: "phase",
 * phase: "capture" }, { type: "restarting", reason }, { type: "startFailed", message }.
 */

export class Sandbox {
  /**
   * @param {{ createWorker: () => object, canInterrupt?: Promise<boolean> | boolean,
   *           onEvent?: (event: object) => void }} options
   *   createWorker: a Worker-like object whose interrupt() writes SIGINT to its Python's
   *   interrupt buffer (web/frame-host.js createWorker)
   */
  constructor({ createWorker, canInterrupt = false, onEvent = () => {} }) {
    this.createWorker = createWorker;
    this.onEvent = onEvent;
    this.nextId = 1;
    this.requests = new Map();
    this.current = null; // the run in progress: { id, resolve, phase, stopping, timer }
    this.heapBytes = 0;
    this.restarts = 0;
    /** Counts workers put in charge: objects of an earlier one are gone (X-ray needs a new run). */
    this.generation = 0;
    this.interruptible = Boolean(globalThis.crossOriginIsolated);
    Promise.resolve(canInterrupt).then((can) => {
      this.interruptible = Boolean(can);
    });
    this.spare = null; // { worker, ready, isReady }: a fresh worker starting or waiting
    this.used = false; // the worker in charge has run a program
    this.start(false);
  }

  /** True when Stop can interrupt Python instead of replacing the worker. */
  get canInterrupt() {
    return this.interruptible;
  }

  /** Starts a worker; its messages go to receive() while it is in charge. */
  spawn() {
    const started = performance.now();
    const slot = { worker: this.createWorker(), isReady: false };
    slot.ready = new Promise((resolve, reject) => {
      slot.resolveReady = resolve;
      slot.rejectReady = reject;
    });
    slot.ready.catch(() => {}); // callers that care await it; nobody else must see it reject
    slot.worker.onmessage = (event) => {
      if (this.worker === slot.worker) this.receive(event.data, { started });
      else if (this.spare === slot) this.receiveSpare(event.data, slot);
    };
    slot.worker.onerror = (event) => {
      event.preventDefault?.();
      const message = `the Python worker failed: ${event.message ?? "unknown error"}`;
      if (this.spare === slot) {
        this.dropSpare(message);
      } else if (this.worker === slot.worker && !slot.isReady) {
        // A worker that cannot start would fail again: say so instead of restarting forever.
        this.onEvent({ type: "startFailed", message });
        slot.rejectReady(new Error(message));
        if (this.current) this.finish(this.current.id, { kind: "failed", message });
      } else if (this.worker === slot.worker) {
        this.crashed(message);
      }
    };
    slot.worker.postMessage({ type: "init" });
    return slot;
  }

  /** Puts `slot` in charge: the worker in charge before it is ended. */
  adopt(slot, restart) {
    const adopted = performance.now();
    this.worker?.terminate();
    this.generation += 1;
    this.slot = slot;
    this.worker = slot.worker;
    this.ready = slot.ready;
    this.isReady = slot.isReady;
    this.used = false;
    this.broken = false;
    slot.ready.then((message) => {
      if (this.worker !== slot.worker) return;
      this.isReady = true;
      this.heapBytes = slot.heapBytes;
      this.onEvent({ ...message, restart, ms: performance.now() - adopted });
    });
  }

  start(restart) {
    this.adopt(this.spawn(), restart);
  }

  /** A spare's own messages: it only starts, and answers requests made of it. */
  receiveSpare(message, slot) {
    if (message.type === "ready") {
      slot.isReady = true;
      slot.heapBytes = message.heapBytes ?? 0;
      slot.resolveReady(message);
    } else if (message.type === "failed" || message.type === "fatal") {
      if (!this.settleRequest(message.id, (r) => r.reject(new Error(message.message)))) this.dropSpare(message.message);
    } else {
      this.settleRequest(message.id, (r) => r.resolve(message.result));
    }
  }

  /** Starts a spare worker if there is none (after a run, while the page is idle). */
  warmSpare() {
    if (!this.spare) this.spare = this.spawn();
  }

  dropSpare(message) {
    const slot = this.spare;
    if (!slot) return;
    this.spare = null;
    slot.worker.terminate();
    slot.rejectReady(new Error(message));
  }

  /**
   * The worker for the next run: the spare, fresh, when it is ready; otherwise the worker
   * in charge, whose Python state its last run put back (web/py/_bytewise/state.py), unless
   * that run left what could not be put back; then the spare, waited for.
   */
  async freshWorker() {
    if (!this.used) return this.ready;
    if (!this.spare?.isReady && !this.broken && this.isReady && (await this.prepareForReuse())) return this.ready;
    this.warmSpare();
    const slot = this.spare;
    this.spare = null;
    this.adopt(slot, false);
    if (!slot.isReady) this.onEvent({ type: "progress", stage: "Starting a fresh Python", fraction: 0.5 });
    const message = await slot.ready;
    this.isReady = true;
    this.heapBytes = slot.heapBytes;
    return message;
  }

  /**
   * Frees the last run's objects in the worker in charge and puts its interpreter back,
   * within PREPARE_LIMIT_MS (their finalizers are that program's code). Resolves false
   * when the worker cannot be reused: it is then ended.
   */
  async prepareForReuse() {
    const worker = this.worker;
    let timer = 0;
    const late = new Promise((resolve) => {
      timer = setTimeout(() => resolve("late"), PREPARE_LIMIT_MS);
    });
    const problems = await Promise.race([this.request("prepare", {}).catch(() => ["failed"]), late]);
    clearTimeout(timer);
    if (this.worker !== worker) return false;
    if (problems === "late" || problems.length) {
      this.broken = true;
      return false;
    }
    return true;
  }

  receive(message, { started }) {
    switch (message.type) {
      case "ready":
        this.slot.isReady = true;
        this.slot.heapBytes = message.heapBytes ?? 0;
        this.slot.startMs = performance.now() - started;
        this.slot.resolveReady(message);
        break;
      case "result":
        this.heapBytes = message.heapBytes ?? this.heapBytes;
        // What the run changed beyond repair: the next run must not reuse this worker.
        if (message.run?.unrestored?.length) this.broken = true;
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
      case "step":
        if (this.current?.id === message.id && this.current.steps) this.current.steps.push(message.step);
        break;
      case "fatal":
        this.crashed(message.message);
        break;
      case "failed":
        if (message.heapBytes) this.heapBytes = message.heapBytes;
        if (this.settleRequest(message.id, (r) => r.reject(new Error(message.message)))) break;
        if (this.current?.id === message.id) {
          this.broken = true; // a run that failed leaves its interpreter in no known state
          this.finish(message.id, { kind: "failed", message: message.message });
        } else if (!this.isReady) {
          this.onEvent({ type: "startFailed", message: message.message });
          this.slot.rejectReady(new Error(message.message));
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
    return this.launch({ type: "run", code, probe }, { timeLimitMs, quiet, steps: null });
  }

  /**
   * Records `code` line by line (web/python-runner.js trace); resolves like run(), and
   * every outcome carries the steps recorded (`steps`, as they came, one message each):
   * a run stopped by replacing its worker keeps the steps it had.
   * @param {string} code
   * @param {object} probe the probe's options (the analyser's check()), with its step_cap
   * @param {{ timeLimitMs?: number, quiet?: boolean }} [limits] quiet: as for run()
   * @returns {Promise<RunOutcome & { steps: Array<{ meta: object, snapshot: Uint8Array }> }>}
   */
  trace(code, probe, { timeLimitMs = 0, quiet = false } = {}) {
    const steps = [];
    const message = { type: "trace", code, probe, stepCap: probe.step_cap };
    return this.launch(message, { timeLimitMs, quiet, steps }).then((outcome) => ({ ...outcome, steps }));
  }

  /** Starts a run or a trace: `message` goes to the worker with the run's id. */
  launch(message, { timeLimitMs, quiet, steps }) {
    if (this.current) return Promise.resolve({ kind: "failed", message: "a run is already in progress" });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const run = {
        id,
        resolve,
        phase: "starting",
        stopping: null,
        started: performance.now(),
        timers: [],
        quiet,
        steps,
      };
      this.current = run;
      this.freshWorker().then(
        () => {
          if (this.current !== run) return; // stopped while its Python started
          this.used = true;
          run.phase = "run";
          run.started = performance.now();
          if (timeLimitMs > 0) run.timers.push(setTimeout(() => this.stop("time limit"), timeLimitMs));
          this.worker.postMessage({ ...message, id });
          // The next run's fresh Python starts now, so that it is ready when this run ends.
          this.warmSpare();
        },
        (err) => this.finish(id, { kind: "failed", message: `Python could not start: ${err.message}` }),
      );
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
    if (run.phase === "starting") {
      // Its Python was still being made ready: nothing of the program ran.
      this.finish(run.id, { kind: "stopped", reason, restarted: false, afterMs: performance.now() - run.started });
      return;
    }
    // While the probe measures, the user's code is over: an interrupt would only spoil
    // the capture, so the grace period alone applies (the capture runs none of its code).
    const capturing = run.phase === "capture";
    run.interrupted = !capturing; // a Stop after the program's end changes nothing it printed
    if (this.interruptible && !capturing) this.worker.interrupt?.();
    const grace = capturing ? CAPTURE_GRACE_MS : this.interruptible ? STOP_GRACE_MS : 0;
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
    this.restarts += 1;
    for (const [, r] of this.requests) r.reject(new Error(`Python restarted (${reason}) before it answered`));
    this.requests.clear();
    this.onEvent({ type: "restarting", reason });
    const spare = this.spare;
    this.spare = null;
    this.adopt(spare ?? this.spawn(), true);
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
    // After a restart there is no spare: one starts once the new worker is ready (two
    // starting at once would slow both).
    this.ready.then(
      () =>
        setTimeout(() => {
          if (!this.current) this.warmSpare();
        }, SPARE_DELAY_MS),
      () => {},
    );
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
    // The experiments run in a Python no program has touched when there is one; the
    // X-ray's memory is the last run's.
    const own = type === "memory" || type === "prepare";
    const target = !own && this.spare?.isReady ? this.spare.worker : this.worker;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      target.postMessage({ type, id, options });
    });
  }
}
