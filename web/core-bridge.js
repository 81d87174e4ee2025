// Moves snapshot bytes into a core module's memory and returns its report. The same
// function serves the page (app module, with the canvas) and Node (core module).

/**
 * @typedef {{ code: string, offset: number | null, message: string }} Diagnostic
 * @typedef {{ name: string, node: number, type: string, address: number,
 *             shallow: number, deep: number, objects: number }} RootReport
 * @typedef {{ ok: true, platform: object, capture: object, nodeCount: number,
 *             edgeCount: number, roots: RootReport[], total: { deep: number, objects: number } }
 *           | { ok: false, errors: Diagnostic[] }} Report
 */

/**
 * Copies `bytes` into the module's heap, calls `module[method](ptr, length, options)`,
 * frees. Options: { includeInterpreterShared, followTypes, followModules, followGlobals,
 * followCode, topN, retained } (see docs/report.md); unknown ones are reported, not ignored.
 * @param {object} module an instantiated bytewise-core or bytewise-app module
 * @param {Uint8Array} bytes snapshot bytes
 * @param {{ method?: "analyze" | "showSnapshot", options?: object }} [how]
 * @returns {Report}
 */
export function analyzeSnapshot(module, bytes, { method = "analyze", options = {} } = {}) {
  if (!(bytes instanceof Uint8Array)) {
    return {
      ok: false,
      errors: [
        {
          code: "api.bad_argument",
          offset: null,
          message: `Expected the snapshot as a Uint8Array, got ${describe(bytes)}.`,
        },
      ],
    };
  }
  const ptr = module._malloc(Math.max(bytes.length, 1));
  if (!ptr) {
    return {
      ok: false,
      errors: [
        {
          code: "api.out_of_memory",
          offset: null,
          message: `The core could not reserve ${bytes.length} bytes for the snapshot.`,
        },
      ],
    };
  }
  try {
    module.HEAPU8.set(bytes, ptr);
    return module[method](ptr, bytes.length, options);
  } finally {
    module._free(ptr);
  }
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "an object";
}
