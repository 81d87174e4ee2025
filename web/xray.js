// Pyodide's memory for the X-ray decoder (core/include/bytewise/xray.hpp). The decoder asks
// for address ranges; these copy them out of Pyodide's heap. In the page, the worker serves
// them (readRanges) and the app module decodes; in Node, xrayObject() decodes in the core
// module with reads in the same process.

/** Rounds of asking and copying before giving up (xray.hpp's xray_max_rounds). */
const MAX_ROUNDS = 8;
/** Ranges one request may ask for. */
export const MAX_RANGES = 64;
/** Bytes one request may copy in all; ranges past it are left out (ask again). */
export const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * A copy of Pyodide's memory [address, address + length), clipped to the heap: fewer bytes
 * than asked (none past its end) tell the decoder where memory stops.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {number} address
 * @param {number} length
 * @returns {{ address: number, bytes: Uint8Array }}
 */
export function readMemory(pyodide, address, length) {
  const heap = pyodide._module.HEAPU8; // Pyodide's linear memory; id(obj) indexes it
  const start = Math.min(address, heap.length);
  const end = Math.min(address + length, heap.length);
  return { address, bytes: heap.slice(start, Math.max(start, end)) };
}

/**
 * Answers a memory request: `[{ address, bytes }]`, one per range in order, until
 * MAX_REQUEST_BYTES are copied (the ranges after that are left out).
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {unknown} ranges [{ address, length }]: whole numbers, addresses below 2**32
 * @returns {Array<{ address: number, bytes: Uint8Array }>}
 */
export function readRanges(pyodide, ranges) {
  if (!Array.isArray(ranges) || ranges.length > MAX_RANGES) {
    throw new Error(`A memory request must list at most ${MAX_RANGES} ranges as [{ address, length }].`);
  }
  const whole = (n, limit) => Number.isInteger(n) && n >= 0 && n <= limit;
  const out = [];
  let copied = 0;
  for (const [i, range] of ranges.entries()) {
    if (!whole(range?.address, 2 ** 32 - 1) || !whole(range?.length, 2 ** 32)) {
      throw new Error(`Memory range ${i} is not { address, length } with whole numbers within 32-bit memory.`);
    }
    if (copied + range.length > MAX_REQUEST_BYTES) break;
    const region = readMemory(pyodide, range.address, range.length);
    copied += region.bytes.length;
    out.push(region);
  }
  return out;
}

/**
 * Decodes one object in Node. Call it before the program runs again: the namespace that
 * keeps the object alive is released then, and the decoder would say the memory moved on.
 * @param {object} core a bytewise-core module
 * @param {object} subject from core.xraySubject (address, typeName, shape, ...)
 * @param {(ranges: Array<{ address: number, length: number }>) => Array<{ address: number,
 *   bytes: Uint8Array }> | Promise<...>} read copies memory (readRanges, where Pyodide runs)
 */
export async function xrayObject(core, subject, read) {
  const regions = [];
  for (let round = 0; round < MAX_ROUNDS; ++round) {
    const result = core.xray(subject, regions);
    if (!result.ok || result.complete) return result;
    for (const want of await read(result.wants)) {
      const asked = result.wants.find((w) => w.address === want.address);
      regions.push({ ...want, length: asked?.length ?? want.bytes.length });
    }
  }
  return {
    ok: false,
    errors: [
      {
        code: "xray.rounds",
        offset: null,
        message: `The X-ray kept asking for more memory; it stopped after ${MAX_ROUNDS} rounds.`,
      },
    ],
  };
}
