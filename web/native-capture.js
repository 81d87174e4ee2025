// Native capture: the core's heap walker (core/include/bytewise/heap_walk.hpp) reading a
// copy of Pyodide's memory, instead of the Python probe walking objects one by one.
//
//   const native = createNativeCapture({ pyodide, core });
//   const walk = native.walk({ roots: [["x", address]], policy: 0, objectCap, edgeCap });
//   // { snapshot: Uint8Array (the snapshot format), handedBack, classesNeeded: [], problems,
//   //   copyMs, walkMs, rounds, heapBytes }
//
// Memory: Pyodide's heap is copied once per walk into a block of the core module's own
// memory (TOOLCHAIN.md: Pyodide does not expose its wasm memory, so the core cannot import
// it), walked there, and freed; the copy doubles the memory held while it lives. Nothing is
// allocated in Pyodide's heap for the walk, so the program's numbers do not include it.
//
// Classes are described by web/py/_bytewise/native.py when a walk first meets them (at most
// a few rounds: each round adds the classes the previous one found) and remembered for the
// interpreter's life. The lead wires this into the pipeline; nothing calls it there yet.

/** @typedef {{ pyodide: any, core: any }} NativeCaptureDeps */

const MAX_ROUNDS = 4;

/**
 * @param {NativeCaptureDeps} deps
 */
export function createNativeCapture({ pyodide, core }) {
  const native = pyodide.pyimport("_bytewise.native");
  /** @type {any} */
  let setup = null;
  /** @type {Map<number, object>} class facts by address, for this interpreter */
  const classes = new Map();

  const toJs = (proxy) => {
    const value = proxy.toJs({ dict_converter: Object.fromEntries });
    proxy.destroy?.();
    return value;
  };

  function baseSetup() {
    if (!setup) setup = toJs(native.setup());
    return setup;
  }

  /** Copies Pyodide's whole heap into the core's memory; returns [pointer, length]. */
  function copyHeap() {
    const heap = pyodide._module.HEAPU8;
    const pointer = core._malloc(heap.length);
    if (!pointer) throw new Error(`the core could not allocate ${heap.length} bytes for a copy of Python's heap`);
    core.HEAPU8.set(heap, pointer);
    return [pointer, heap.length];
  }

  /**
   * Walks from `roots` ([[name, id(obj)], ...]) under the capture `policy` bits and caps.
   * @param {{ roots: [string, number][], policy?: number, objectCap: number, edgeCap: number, labelCap?: number }} request
   */
  function walk({ roots, policy = 0, objectCap, edgeCap, labelCap }) {
    const started = performance.now();
    const [pointer, length] = copyHeap();
    const copied = performance.now();
    try {
      let result;
      let rounds = 0;
      for (;;) {
        rounds += 1;
        const request = { ...baseSetup(), roots, policy, objectCap, edgeCap, classes: [...classes.values()] };
        if (labelCap !== undefined) request.labelCap = labelCap;
        result = core.walkHeap(pointer, length, 0, request);
        if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join("\n"));
        const needed = result.classesNeeded.filter((address) => !classes.has(address));
        if (!needed.length || rounds >= MAX_ROUNDS) break;
        // Classes no longer alive stay unknown: their objects are handed back.
        const described = toJs(native.class_facts(needed));
        for (const facts of described) classes.set(facts.address, facts);
        if (!described.length) break;
      }
      const walked = performance.now();
      return {
        snapshot: result.snapshot,
        handedBack: result.handedBack,
        classesNeeded: result.classesNeeded.filter((address) => !classes.has(address)),
        problems: result.problems,
        nodes: result.nodes,
        bytesRead: result.bytesRead,
        heapBytes: length,
        copyMs: copied - started,
        walkMs: walked - copied,
        rounds,
      };
    } finally {
      core._free(pointer);
    }
  }

  return { walk };
}
