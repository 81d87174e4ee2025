// The Node host: a runner (the interface of web/python-runner.js, every method async)
// whose Pyodide lives in a child process (web/node-child.mjs) that can read only its own
// files and touch nothing else of the host, and which is killed when a program runs past
// its time limit or a previous run's finalizers hang. The CLI, the Node API and
// `lessons check` run every program through it.
//
//   const runner = createChildRunner({ onOutput });
//   await runner.prepare();
//   const run = await runner.run(code, probe, { timeLimitMs: 30_000 });
//   // run.stopped === "time limit" when it was killed: run.facts hold what it printed
//   runner.close();
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WALKER_JS, WALKER_WASM } from "./core-node.js";
import { OutputRecord } from "./python-runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..");
const CHILD = path.join(here, "node-child.mjs");

/** How long a previous run's finalizers may take (prepare) before the child is replaced. */
export const PREPARE_LIMIT_MS = 5_000;

/**
 * Node's flags for the child: files readable only where its code and Pyodide live, no
 * writes, no child processes, workers or native addons (the permission model), and no
 * code generated from strings (eval, new Function).
 */
export function childFlags() {
  const readable = [
    CHILD,
    path.join(here, "*"),
    path.join(ROOT, "node_modules", "pyodide", "*"),
    path.join(ROOT, "package.json"),
    WALKER_JS,
    WALKER_WASM,
  ];
  return [
    "--experimental-permission",
    ...readable.map((p) => `--allow-fs-read=${p}`),
    "--disallow-code-generation-from-strings",
    "--no-warnings",
  ];
}

/**
 * @param {{ onOutput?: (stream: "stdout" | "stderr", text: string) => void }} [options]
 */
export function createChildRunner({ onOutput } = {}) {
  let child = null;
  let ready = null;
  let nextId = 1;
  const pending = new Map(); // id -> { resolve, reject }
  let output = null; // OutputRecord of the run in progress, for a run that is killed
  let onCapture = null; // the run in progress: its program has ended
  let steps = null; // the trace in progress: its steps so far

  function start() {
    child = fork(CHILD, [], {
      execArgv: childFlags(),
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const current = child;
    // The child keeps this process alive only while it is answering a call, so a script
    // that forgets close() still ends.
    current.unref();
    current.channel?.unref();
    ready = new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type === "ready") {
          resolve();
        } else if (message?.type === "phase") {
          onCapture?.();
        } else if (message?.type === "step") {
          steps?.push(message.step);
        } else if (message?.type === "output") {
          output?.add(message.stream, message.text);
          onOutput?.(message.stream, message.text);
        } else if (pending.has(message?.id)) {
          const call = pending.get(message.id);
          pending.delete(message.id);
          if (message.error)
            call.reject(Object.assign(new Error(message.error.message), { fatal: message.error.fatal }));
          else call.resolve(message.result);
        }
      };
      current.on("message", onMessage);
      current.on("exit", (code, signal) => {
        const why = new Error(`Python's process ended (${signal ?? `exit ${code}`})`);
        why.fatal = true;
        reject(why);
        for (const [, call] of pending) call.reject(why);
        pending.clear();
        if (child === current) child = null;
      });
    });
    ready.catch(() => {});
  }

  async function call(method, ...args) {
    if (!child) start();
    const current = child;
    current.channel?.ref();
    try {
      await ready;
      return await new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        current.send({ id, method, args });
      });
    } finally {
      if (pending.size === 0) current.channel?.unref();
    }
  }

  /**
   * What a run that never came back printed, in the shape of a run's facts: a function
   * to call when it is known to be killed. Started now, with the run.
   * @param {OutputRecord} record the run's output
   */
  function factsOfKilled(record) {
    const began = performance.now();
    return () => ({
      error: null,
      output: record.chunks,
      tracemalloc: null,
      run_ms: performance.now() - began,
      capture_ms: 0,
    });
  }

  /** Kills the child (a fresh one starts at the next call). */
  function kill() {
    if (child) {
      const dying = child;
      child = null;
      dying.kill("SIGKILL");
    }
  }

  /** Starts the child if there is none, and waits until Python is loaded in it. */
  async function started() {
    if (!child) start();
    const current = child;
    current.channel?.ref();
    try {
      await ready;
    } finally {
      if (pending.size === 0) current.channel?.unref();
    }
  }

  /**
   * `call` that kills the child when it does not answer within `ms` (0: never), counted
   * from when Python is ready (a fresh child's start-up is not the program's time). The
   * returned `stopTimer` ends the bound early (the program ended; the capture may take
   * its time).
   */
  function bounded(ms, method, ...args) {
    let timer = 0;
    let stopped = false;
    const stopTimer = () => {
      stopped = true;
      clearTimeout(timer);
    };
    const answer = started().then(
      () =>
        new Promise((resolve, reject) => {
          if (ms && !stopped) {
            timer = setTimeout(() => {
              kill();
              resolve({ timedOut: true });
            }, ms);
          }
          call(method, ...args).then(
            (result) => {
              stopTimer();
              resolve({ result });
            },
            (err) => {
              stopTimer();
              reject(err);
            },
          );
        }),
    );
    return { answer, stopTimer };
  }

  return {
    /**
     * Frees the previous run's objects and puts the interpreter back; a child that cannot
     * be put back, or whose finalizers take longer than PREPARE_LIMIT_MS, is replaced.
     * @returns {Promise<string[]>} what was wrong (the child was replaced then)
     */
    async prepare() {
      if (!child) return [];
      const { result, timedOut } = await bounded(PREPARE_LIMIT_MS, "prepare").answer;
      if (timedOut) return [`the previous run's finalizers ran for more than ${PREPARE_LIMIT_MS / 1000} s`];
      if (result.length) kill();
      return result;
    },

    /**
     * Runs `code` (see python-runner.js run). When the program runs past `timeLimitMs` (the
     * capture that follows is not counted) the child is killed and the result is
     * { stopped: "time limit", facts } with what it printed.
     * @returns {Promise<object>}
     */
    async run(code, probe, { timeLimitMs = 0 } = {}) {
      output = new OutputRecord();
      const killedFacts = factsOfKilled(output);
      try {
        const { answer, stopTimer } = bounded(timeLimitMs, "run", code, probe);
        onCapture = stopTimer;
        const { result, timedOut } = await answer;
        if (timedOut) {
          return { stopped: "time limit", facts: killedFacts() };
        }
        if (result.unrestored.length) kill();
        return result;
      } catch (err) {
        if (!err.fatal) throw err;
        kill();
        return { stopped: "crash", message: err.message, facts: killedFacts() };
      } finally {
        output = null;
        onCapture = null;
      }
    },

    /**
     * Records `code` step by step (see python-runner.js trace). When it runs past
     * `timeLimitMs` the child is killed and the result is { stopped: "time limit", facts,
     * steps } with the steps recorded until then.
     * @returns {Promise<{ facts: object, steps: Array<{ meta: object, snapshot: Uint8Array }>,
     *   truncated: boolean, stopped?: "time limit" | "crash", message?: string }>}
     */
    async trace(code, probe, { stepCap, timeLimitMs = 0 }) {
      output = new OutputRecord();
      steps = [];
      const recorded = steps;
      const killedFacts = factsOfKilled(output);
      try {
        const { answer } = bounded(timeLimitMs, "trace", code, probe, stepCap);
        const { result, timedOut } = await answer;
        if (timedOut) return { stopped: "time limit", facts: killedFacts(), steps: recorded, truncated: false };
        if (result.unrestored.length) kill();
        return { facts: result.facts, steps: recorded, truncated: result.truncated };
      } catch (err) {
        if (!err.fatal) throw err;
        kill();
        return { stopped: "crash", message: err.message, facts: killedFacts(), steps: recorded, truncated: false };
      } finally {
        output = null;
        steps = null;
      }
    },

    footprints: (sizes, probe) => call("footprints", sizes, probe),
    smallIntIds: (low, high) => call("smallIntIds", low, high),
    listConstruction: (expression) => call("listConstruction", expression),
    memory: (ranges) => call("memory", ranges),
    heapBytes: () => call("heapBytes"),

    /** Ends the child process. */
    close() {
      kill();
    },
  };
}
