// The runner: everything that happens where Pyodide runs (the page's worker, or Node).
// It runs user code, collects its output up to the limits, captures a snapshot of its
// variables, and answers the experiments' and the X-ray's questions with raw facts:
// snapshots, ids, memory. It computes no number; the analyser (web/analyser.js) does
// that in the core. The Python side lives in web/py: the public module bytewise.py (what
// user programs import) and the private package _bytewise/.
//
//   installModules(pyodide, files);
//   const runner = createRunner({ pyodide, onOutput });
//   const { snapshot, facts } = runner.run(code, probeOptions);  // probeOptions: analyser.check()

import { createNativeCapture } from "./native-capture.js";
import { readRanges } from "./xray.js";

/** Folder in Pyodide's file system that holds the Bytewise Python files (web/py's tree). */
export const MODULE_DIR = "/bytewise";

/**
 * Writes the Bytewise Python files into Pyodide's file system, folders included, and puts
 * their folder on sys.path.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {Record<string, string>} files path under web/py ("bytewise.py", "_bytewise/probe.py")
 *   -> Python source
 */
export function installModules(pyodide, files) {
  pyodide.FS.mkdirTree(MODULE_DIR);
  for (const [file, source] of Object.entries(files)) {
    const parts = file.split("/");
    if (!file.endsWith(".py") || parts.some((part) => part === "" || part === "." || part === "..")) {
      throw new Error(`"${file}" is not the path of a .py file inside ${MODULE_DIR}: give it as "folder/name.py".`);
    }
    if (parts.length > 1) pyodide.FS.mkdirTree(`${MODULE_DIR}/${parts.slice(0, -1).join("/")}`);
    pyodide.FS.writeFile(`${MODULE_DIR}/${file}`, source);
  }
  pyodide.runPython(
    `import sys, importlib\n` +
      `if ${JSON.stringify(MODULE_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(MODULE_DIR)})\n` +
      `importlib.invalidate_caches()`,
  );
  // The probe marks objects below the wasm heap as the interpreter's static data.
  const base = pyodide._module?.___heap_base;
  const heapBase = typeof base === "object" && base !== null ? Number(base.value) : base;
  if ("_bytewise/probe.py" in files && Number.isSafeInteger(heapBase) && heapBase > 0) {
    pyodide.runPython(`import _bytewise.probe\n_bytewise.probe.set_heap_base(${heapBase})`);
  }
}

/** Output kept per stream and run; more is dropped with a visible note. */
export const OUTPUT_LIMIT_BYTES = 200_000;
export const OUTPUT_LIMIT_LINES = 5_000;

/** Python's None arrives as undefined; JSON wants null. */
function nullify(value) {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(nullify);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullify(v)]));
  }
  return value;
}

/**
 * What a run printed on both streams, in the order printed: [{ stream, text }], a chunk
 * per change of stream. The core makes the report's stdout and stderr from it.
 */
export class OutputRecord {
  constructor() {
    this.chunks = [];
  }

  add(stream, text) {
    const last = this.chunks.at(-1);
    if (last?.stream === stream) last.text += text;
    else this.chunks.push({ stream, text });
  }
}

/** Collects one stream's output up to the limits, passing it on as it comes. */
class OutputCollector {
  /**
   * @param {"stdout" | "stderr"} stream
   * @param {OutputRecord} record where the text goes, in order with the other stream's
   * @param {((stream: string, text: string) => void) | undefined} onOutput
   */
  constructor(stream, record, onOutput) {
    this.stream = stream;
    this.record = record;
    this.onOutput = onOutput;
    this.decoder = new TextDecoder();
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
    if (text) this.record.add(this.stream, text);
    if (text && this.onOutput) this.onOutput(this.stream, text);
    return bytes.length;
  }
}

/** Copies snapshot bytes out of Pyodide's heap (views into it detach when it grows). */
function copyBytes(proxy) {
  const copied = proxy.toJs();
  proxy.destroy();
  // The caller may transfer the buffer: make sure it holds exactly the snapshot.
  return copied.byteLength === copied.buffer.byteLength ? copied : copied.slice();
}

/** Calls a function of a _bytewise module with JS arguments converted to Python. */
function callPython(pyodide, module, name, ...args) {
  const mod = pyodide.pyimport(module);
  const converted = args.map((a) => (a !== null && typeof a === "object" ? pyodide.toPy(a) : a));
  try {
    return mod[name](...converted);
  } finally {
    for (const [i, a] of converted.entries()) if (a !== args[i]) a.destroy();
    mod.destroy();
  }
}

/**
 * @typedef {import("./analyser.js").Run} Run
 * @typedef {import("./analyser.js").RunFacts} RunFacts
 */

/**
 * @param {{ pyodide: import("pyodide").PyodideInterface,
 *           onOutput?: (stream: "stdout" | "stderr", text: string) => void,
 *           walker?: object | null, walkerProblem?: string | null }} deps
 *   The Bytewise Python files must be installed in `pyodide` (installModules). `walker`:
 *   an instantiated module with the core's heap walker (bytewise-walker, or bytewise-core),
 *   in this realm: run() captures with it (web/native-capture.js) and with the Python probe
 *   only where it cannot; without it, every capture is the probe's, and each run's facts
 *   give `walkerProblem` (why the host has no walker) as the reason.
 */
export function createRunner({ pyodide, onOutput, walker = null, walkerProblem = null }) {
  /** Sends the program's streams to fresh collectors; returns their record. */
  function collectOutput() {
    const output = new OutputRecord();
    const stdout = new OutputCollector("stdout", output, onOutput);
    const stderr = new OutputCollector("stderr", output, onOutput);
    pyodide.setStdout({ write: (b) => stdout.write(b) });
    pyodide.setStderr({ write: (b) => stderr.write(b) });
    // No keyboard: sys.stdin is at its end (input() says so itself, _bytewise.runner).
    pyodide.setStdin({ stdin: () => null });
    return output;
  }

  // The sandbox's limits and the baseline every run is put back to (_bytewise/state.py).
  callPython(pyodide, "_bytewise.runner", "start");
  // The walker's setup is read now, before any program runs here.
  /** @type {ReturnType<typeof createNativeCapture> | null} */
  let native = null;
  if (walker) {
    try {
      native = createNativeCapture({ pyodide, core: walker });
    } catch (err) {
      walkerProblem = `the heap walker could not be set up: ${err?.message ?? err}`;
    }
  }
  return {
    pyodide,

    /**
     * Frees the previous run's objects (their finalizers run now: bound this call in time)
     * and puts the interpreter back as it was before any program ran.
     * @returns {string[]} what could not be put back: replace the interpreter if any
     */
    prepare() {
      const problems = callPython(pyodide, "_bytewise.runner", "prepare");
      try {
        return problems.toJs();
      } finally {
        problems.destroy();
      }
    },

    /**
     * Runs `code` as __main__ and captures its variables.
     * @param {string} code Python source
     * @param {object} probe the probe's options, as the analyser's check() returns them
     * @param {{ onCapture?: () => void, walk?: boolean }} [hooks] onCapture: called between
     *   the program's end and the capture (the page's sandbox stops interrupting then);
     *   walk: false to capture with the Python probe alone (the walker's oracle in tests)
     * @returns {Run & { unrestored: string[] }} unrestored: what of the interpreter's state
     *   the program changed beyond repair; the host replaces the interpreter when not empty
     */
    run(code, probe, { onCapture, walk: useWalker = true } = {}) {
      const output = collectOutput();
      /** @type {{ snapshot: Uint8Array | null, reason: string | null } | null} */
      let walked = null;
      // (undefined reaches Python as None; JS null would be jsnull)
      const walk = !(native && useWalker)
        ? undefined
        : (roots, policy, objectCap, edgeCap, diagnostics, held) => {
            const request = {
              roots: roots.toJs(),
              policy,
              objectCap,
              edgeCap,
              diagnostics: diagnostics.toJs(),
              held: held.toJs(),
            };
            for (const proxy of [roots, diagnostics, held]) proxy.destroy();
            walked = native.capture(request);
            return walked.snapshot !== null;
          };
      const probeReason = (tried) => {
        if (tried) return tried.reason;
        if (!native) return walkerProblem ?? "this host gave the runner no heap walker";
        return useWalker ? "the run ended before its capture" : "the caller asked for the Python probe";
      };
      const result = callPython(pyodide, "_bytewise.runner", "run_and_capture", code, probe, onCapture, walk);
      try {
        const plain = (key) => {
          const value = result.get(key);
          if (value === undefined || value === null) return null;
          const js = value.toJs({ dict_converter: Object.fromEntries });
          value.destroy();
          return nullify(js);
        };
        const walkedSnapshot = walked?.snapshot ?? null;
        const snapshot = walkedSnapshot ?? copyBytes(result.get("snapshot"));
        const facts = {
          error: plain("error"),
          output: output.chunks,
          tracemalloc: plain("tracemalloc"),
          run_ms: result.get("run_ms"),
          capture_ms: result.get("capture_ms"),
          capture: walkedSnapshot
            ? { method: "native", reason: null }
            : { method: "probe", reason: probeReason(walked) },
        };
        return { snapshot, facts, unrestored: plain("unrestored") ?? [] };
      } finally {
        result.destroy();
      }
    },

    /**
     * Runs `code` as __main__ recording a step at each line of its own code that is about
     * to run, and one when it ends (_bytewise/stepping.py).
     * @param {string} code Python source
     * @param {object} probe the probe's options, as the analyser's check() returns them
     * @param {{ stepCap: number, onStep?: (step: { meta: object, snapshot: Uint8Array }) => void,
     *           walk?: boolean }} how
     *   onStep: each step as it is recorded (a host in another process keeps them, so a run
     *   that is killed keeps the steps it had); without it the result holds them. walk:
     *   false to capture every step with the Python probe (the walker's oracle in tests)
     * @returns {{ facts: import("./analyser.js").RunFacts, steps: Array<{ meta: object,
     *             snapshot: Uint8Array }>, truncated: boolean, walked: number,
     *             unrestored: string[] }} walked: how many steps the heap walker captured
     */
    trace(code, probe, { stepCap, onStep = null, walk: useWalker = true }) {
      const output = collectOutput();
      const recorded = [];
      const hand = onStep ?? ((s) => recorded.push(s));
      // What each step saw printed since the step before: the chunks added to the run's
      // record since then (the last one may have grown since it was handed on).
      let seenChunks = 0;
      let seenText = 0;
      const printedSince = () => {
        const fresh = [];
        for (let i = Math.max(seenChunks - 1, 0); i < output.chunks.length; ++i) {
          const { stream, text } = output.chunks[i];
          const from = i === seenChunks - 1 ? seenText : 0;
          if (text.length > from) fresh.push({ stream, text: text.slice(from) });
        }
        seenChunks = output.chunks.length;
        seenText = output.chunks.at(-1)?.text.length ?? 0;
        return fresh;
      };
      // Each step is the heap walker's where it can, reading only the pages of Python's
      // heap that the step's objects are on (paged); the probe's otherwise.
      /** @type {Uint8Array | null} */
      let walkedSnapshot = null;
      const walk = !(native && useWalker)
        ? undefined
        : (roots, policy, objectCap, edgeCap, diagnostics, held) => {
            const request = {
              roots: roots.toJs(),
              policy,
              objectCap,
              edgeCap,
              diagnostics: diagnostics.toJs(),
              held: held.toJs(),
              paged: true,
            };
            for (const proxy of [roots, diagnostics, held]) proxy.destroy();
            walkedSnapshot = native.capture(request).snapshot;
            return walkedSnapshot !== null;
          };
      // Python's arguments are borrowed for the call: copied here, released by Pyodide.
      const step = (meta, snapshot) => {
        let bytes = walkedSnapshot;
        walkedSnapshot = null;
        if (snapshot !== undefined && snapshot !== null) {
          const copied = snapshot.toJs();
          bytes = copied.byteLength === copied.buffer.byteLength ? copied : copied.slice();
        }
        const described = nullify(meta.toJs({ dict_converter: Object.fromEntries }));
        described.output = printedSince();
        hand({ meta: described, snapshot: bytes });
      };
      const result = callPython(pyodide, "_bytewise.stepping", "record", code, probe, stepCap, step, walk);
      try {
        const js = result.toJs({ dict_converter: Object.fromEntries });
        return {
          facts: {
            error: nullify(js.error),
            output: output.chunks,
            tracemalloc: null,
            run_ms: js.run_ms,
            capture_ms: 0,
          },
          steps: recorded,
          truncated: js.truncated,
          walked: js.walked,
          unrestored: js.unrestored,
        };
      } finally {
        result.destroy();
      }
    },

    /**
     * Footprint experiments' raw material: for each structure and N, the capture of the
     * structure and tracemalloc's peak and current while building it; and the peaks of
     * the work that builds no structure (sum([...]) vs sum(...), "".join vs +=).
     * @param {number[]} sizes the values of N (checked by the caller)
     * @param {object} probe the probe's options (analyser.check()): their caps apply
     * @returns {{ structures: Array<{ name: string, n: number, snapshot: Uint8Array, peak: number,
     *             current: number }>, peaks: Array<{ name: string, n: number, peak: number }> }}
     */
    footprints(sizes, probe) {
      const result = callPython(
        pyodide,
        "_bytewise.experiments",
        "footprints",
        sizes,
        probe.object_cap,
        probe.edge_cap,
      );
      try {
        const structures = [];
        for (const entry of result.get("structures")) {
          const [name, n, snapshotProxy, peak, current] = entry.toJs({ depth: 1 });
          entry.destroy();
          structures.push({ name, n, snapshot: copyBytes(snapshotProxy), peak, current });
        }
        const peaks = [];
        for (const entry of result.get("peaks")) {
          const [name, n, peak] = entry.toJs();
          entry.destroy();
          peaks.push({ name, n, peak });
        }
        return { structures, peaks };
      } finally {
        result.destroy();
      }
    },

    /**
     * For each value in low..high, the ids of two ints made from its text one after the
     * other, as [[value, id, id_again], ...]: equal ids mean CPython handed out its cached
     * object.
     */
    smallIntIds(low, high) {
      const rows = callPython(pyodide, "_bytewise.probe", "small_int_ids", low, high);
      try {
        return rows.toJs().map(([value, id, again]) => [value, Number(id), Number(again)]);
      } finally {
        rows.destroy();
      }
    },

    /** How the list an expression builds gets its slots ("literal", "exact", ...), read
     * from the expression's syntax (_bytewise.runner.list_construction). */
    listConstruction(expression) {
      return callPython(pyodide, "_bytewise.runner", "list_construction", expression);
    },

    /** Copies of Pyodide's memory for the X-ray: [{ address, bytes }] (web/xray.js). */
    memory(ranges) {
      return readRanges(pyodide, ranges);
    },

    /** Bytes of Pyodide's wasm memory: it grows with the program and never shrinks. */
    heapBytes() {
      return pyodide._module?.HEAP8?.length ?? 0;
    },
  };
}
