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

/**
 * Compares two snapshots of the same program: what appeared, was freed, grew, shrank.
 * @param {object} module an instantiated bytewise-core module
 * @param {Uint8Array} before
 * @param {Uint8Array} after
 * @param {object} [options] the policy part of the analysis options, and topN
 */
export function diffSnapshots(module, before, after, options = {}) {
  for (const [name, bytes] of [
    ["before", before],
    ["after", after],
  ]) {
    if (!(bytes instanceof Uint8Array)) {
      return {
        ok: false,
        errors: [
          {
            code: "api.bad_argument",
            offset: null,
            message: `Expected the ${name} snapshot as a Uint8Array, got ${describe(bytes)}.`,
          },
        ],
      };
    }
  }
  const a = module._malloc(Math.max(before.length, 1));
  const b = module._malloc(Math.max(after.length, 1));
  try {
    if (!a || !b) {
      return {
        ok: false,
        errors: [
          {
            code: "api.out_of_memory",
            offset: null,
            message: "The core could not reserve memory for the two snapshots.",
          },
        ],
      };
    }
    module.HEAPU8.set(before, a);
    module.HEAPU8.set(after, b);
    return module.diff(a, before.length, b, after.length, options);
  } finally {
    if (a) module._free(a);
    if (b) module._free(b);
  }
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "an object";
}
