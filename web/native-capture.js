// Native capture: the core's heap walker (core/include/bytewise/heap_walk.hpp) reading a
// copy of Pyodide's memory, instead of the Python probe walking objects one by one.
//
//   const native = createNativeCapture({ pyodide, core });
//   const walk = native.walk({ roots: [["x", address]], policy: 0, objectCap, edgeCap, paged });
//   // { snapshot: Uint8Array (the snapshot format), handedBack, classesNeeded: [], problems,
//   //   handOverMs, copyMs, walkMs, encodeMs, bindingMs, rounds, heapBytes, pagesCopied,
//   //   request }
//   // (the phases: Python's hand-over of types and classes, the heap copy, the walk, the
//   // snapshot's encoding, and the binding's own conversions, in milliseconds)
//
// Memory: Pyodide's heap (up to its break) is copied once per walk (for all its rounds)
// into a block of the core module's own memory (TOOLCHAIN.md: Pyodide does not expose its
// wasm memory, so the core cannot import it), walked there, and freed; the copy doubles the
// memory held while it lives. Nothing is allocated in Pyodide's heap for the walk, so the
// program's numbers do not include it. Why a copy and not a side module:
// core/include/bytewise/heap_walk.hpp, with the measurements. The snapshot bytes are copied
// to JS (a Uint8Array) once.
// With `paged: true` (a trace's steps, which each read a few hundred kilobytes of a heap
// of tens of megabytes), the block is allocated but only the 4 KiB pages the walk reads
// are copied into it, as it reads them (bytewise::heap_pages): each round of such a walk
// reads the heap as it is then, so a round after Python described classes or answered for
// objects sees what that left (the program's objects are as they were: those calls keep
// no references to them).
//
// Classes are described by web/py/_bytewise/native.py when a walk first meets them (at most
// a few rounds: each round adds the classes the previous one found), anew for each walk.
//
// Objects the walker cannot decode (a C type it does not know, a class with its own
// __sizeof__) it hands back; native.py's answer() has the probe record them one by one, by
// the probe's own rules, and the next round uses those answers (their references may lead
// to more such objects: at most MAX_ROUNDS rounds in all).
//
// In the pipeline (web/python-runner.js), capture() is the runner's capture: the walker's
// snapshot when every object was decoded or answered, and otherwise a reason, upon which
// the Python probe captures the whole run instead (web/py/_bytewise/runner.py
// run_and_capture).

/** @typedef {{ pyodide: any, core: any }} NativeCaptureDeps */

// Rounds of one walk: each may describe the classes the last met, or have the probe answer
// for the objects it handed back (whose references may lead to more such objects).
const MAX_ROUNDS = 8;
// Hand-backs the probe may answer: objects whose header read (the others may not be objects).
const answerable = (h) => !h.reason.startsWith("walk.unreadable");
// The most objects the probe answers for in one walk: past it (a million list iterators)
// the probe captures the run itself, under its own limit.
const MAX_ANSWERS = 100_000;

/**
 * @param {NativeCaptureDeps} deps
 */
export function createNativeCapture({ pyodide, core }) {
  const native = pyodide.pyimport("_bytewise.native");
  /**
   * Class facts by address, for one walk and its rounds: a later run's class may live at
   * an address an earlier run's class had.
   * @type {Map<number, object>}
   */
  const classes = new Map();

  const toJs = (proxy) => {
    const value = proxy.toJs({ dict_converter: Object.fromEntries });
    proxy.destroy?.();
    return value;
  };

  // Types, small ints and the platform, read once, when the runner is made (before any
  // program has run in this interpreter).
  const setup = toJs(native.setup());

  /**
   * Copies Pyodide's heap, up to its break (sbrk(0): no object lies above it; the memory
   * past it is what Emscripten grew ahead of need), into the core's memory; returns
   * [pointer, length].
   */
  function copyHeap(paged) {
    const module = pyodide._module;
    const heap = module.HEAPU8;
    const top = typeof module._sbrk === "function" ? module._sbrk(0) >>> 0 : 0;
    const length = top > 0 && top <= heap.length ? top : heap.length;
    const pointer = core._malloc(length) >>> 0;
    if (!pointer) throw new Error(`the core could not allocate ${length} bytes for a copy of Python's heap`);
    if (paged) core.heapSource = heap;
    else core.HEAPU8.set(heap.subarray(0, length), pointer);
    return [pointer, length];
  }

  /**
   * Walks from `roots` ([[name, id(obj)], ...]) under the capture `policy` bits and caps;
   * `diagnostics` ([[code, message]]) go into the snapshot, `held` (ids) are references the
   * caller holds, taken off the refcounts (wasm/bindings/native.cpp).
   * @param {{ roots: [string, number][], policy?: number, objectCap: number, edgeCap: number,
   *           labelCap?: number, diagnostics?: [string, string][], held?: number[] }} request
   */
  function walk({ roots, policy = 0, objectCap, edgeCap, labelCap, diagnostics = [], held = [], paged = false }) {
    const started = performance.now();
    classes.clear();
    /** The probe's answers by address, for this walk's rounds. @type {Map<number, object>} */
    const answers = new Map();
    const setUp = performance.now();
    const [pointer, length] = copyHeap(paged);
    let pagesCopied = 0;
    const copied = performance.now();
    let handOverMs = setUp - started;
    let coreMs = 0;
    let walkMs = 0;
    let encodeMs = 0;
    try {
      let result;
      let rounds = 0;
      let final = false;
      let request;
      for (;;) {
        rounds += 1;
        final ||= rounds >= MAX_ROUNDS;
        request = {
          ...setup,
          roots,
          policy,
          objectCap,
          edgeCap,
          diagnostics,
          held,
          classes: [...classes.values()],
          answers: [...answers.values()],
          final,
          paged,
        };
        if (labelCap !== undefined) request.labelCap = labelCap;
        const called = performance.now();
        // A round that runs Python (classes described, answers) may grow its heap: the
        // source of a paged copy is taken afresh for each round.
        if (paged) core.heapSource = pyodide._module.HEAPU8;
        result = core.walkHeap(pointer, length, 0, request);
        pagesCopied += result.pagesCopied ?? 0;
        coreMs += performance.now() - called;
        if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join("\n"));
        walkMs += result.walkMs;
        encodeMs += result.encodeMs;
        if (result.snapshot) break;
        // Classes the walk met without facts: describe them and walk again. Classes no
        // longer alive stay unknown (their objects are handed back in the last round).
        // Describing classes runs Python, which does not touch a whole copy already made
        // (a paged walk's next round reads the heap as it is then: see above).
        const needed = result.classesNeeded.filter((address) => !classes.has(address));
        const askedAt = performance.now();
        const described = needed.length ? toJs(native.class_facts(needed)) : [];
        for (const facts of described) classes.set(facts.address, facts);
        // Objects handed back (and not of those classes, which the next round decodes):
        // the probe answers for each alone. Memory that did not read as CPython writes it
        // sends the whole run to the probe instead.
        // A hand-back the probe cannot answer, or answered already, stays: the probe will
        // capture the run, so this is the last round.
        const settled = result.handedBack.every((h) => answerable(h) && !answers.has(h.address));
        const ask = needed.length || result.problems.length || !settled ? [] : result.handedBack;
        const fresh = answers.size + ask.length <= MAX_ANSWERS ? ask : [];
        if (fresh.length) {
          const asked = pyodide.toPy({ objects: fresh.map((h) => [h.address, h.node, h.parts]), policy, edgeCap });
          try {
            for (const answer of toJs(native.answer(asked))) answers.set(answer.address, answer);
          } finally {
            asked.destroy();
          }
        }
        handOverMs += performance.now() - askedAt;
        if (!described.length && !fresh.length) final = true;
      }
      return {
        snapshot: result.snapshot,
        handedBack: result.handedBack,
        classesNeeded: result.classesNeeded.filter((address) => !classes.has(address)),
        problems: result.problems,
        nodes: result.nodes,
        bytesRead: result.bytesRead,
        heapBytes: length,
        pagesCopied: paged ? pagesCopied : null,
        handOverMs,
        copyMs: copied - setUp,
        walkMs,
        encodeMs,
        // The rest of the core calls: the setup read from JS, the results made JS values.
        bindingMs: coreMs - walkMs - encodeMs,
        rounds,
        answered: answers.size,
        // The last round's request, as walkHeap took it (tools/bench.mjs --dump writes it
        // beside the heap for tests/bench/heap_walk_bench.cpp).
        request,
      };
    } finally {
      core.heapSource = null;
      core._free(pointer);
    }
  }

  /**
   * The walk as a run's capture: { snapshot, walk } when the walker decoded every object
   * itself, { snapshot: null, reason, walk } when the probe must capture instead (reason:
   * one sentence naming what the walker could not decode). A walker that fails outright
   * (a setup it cannot use) is a reason too: the probe still captures the run.
   * @param {Parameters<typeof walk>[0]} request
   */
  function capture(request) {
    let walked;
    try {
      walked = walk(request);
    } catch (error) {
      // A Stop that reached Python while it described classes or answered for objects: the
      // runner retries the capture.
      if (error?.type === "KeyboardInterrupt") throw error;
      return { snapshot: null, reason: `the heap walker failed: ${error.message}`, walk: null };
    }
    if (walked.problems.length) {
      const first = walked.problems[0];
      const more = walked.problems.length > 1 ? ` (and ${walked.problems.length - 1} more)` : "";
      return {
        snapshot: null,
        reason: `memory did not read as CPython writes it: ${first.message}${more}`,
        walk: walked,
      };
    }
    if (walked.handedBack.length) return { snapshot: null, reason: handBackReason(walked.handedBack), walk: walked };
    return { snapshot: walked.snapshot, reason: null, walk: walked };
  }

  return { walk, capture };
}

/**
 * "the heap walker does not decode 3 objects: 2 × walk.unknown_type: collections.deque, ...".
 * @param {Array<{ reason: string }>} handedBack
 */
export function handBackReason(handedBack) {
  const counts = new Map();
  for (const { reason } of handedBack) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = ranked.slice(0, 3).map(([reason, n]) => `${n.toLocaleString("en")} × ${reason}`);
  if (ranked.length > 3) shown.push(`${ranked.length - 3} more kinds`);
  const n = handedBack.length;
  return `the heap walker does not decode ${n.toLocaleString("en")} object${n === 1 ? "" : "s"} itself (${shown.join(", ")})`;
}
