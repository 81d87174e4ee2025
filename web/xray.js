// Feeds the X-ray decoder (core/include/bytewise/xray.hpp) with bytes from Pyodide's
// memory: it asks for address ranges, this copies them, until it has what it needs.
// Runs where Pyodide runs (the worker, or Node).

/** Rounds of asking and copying before giving up (a decode needs four at most). */
const MAX_ROUNDS = 8;

/**
 * A copy of Pyodide's memory [address, address + length), clipped to the heap.
 * @param {import("pyodide").PyodideInterface} pyodide
 */
export function readMemory(pyodide, address, length) {
  const heap = pyodide._module.HEAPU8; // Pyodide's linear memory; id(obj) indexes it
  const start = Math.max(0, Math.min(address, heap.length));
  const end = Math.max(start, Math.min(address + length, heap.length));
  return { address: start, bytes: heap.slice(start, end) };
}

/**
 * Decodes one object. Call it before the program runs again: the namespace that keeps the
 * object alive is released then, and the decoder would say the memory moved on.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {object} core a bytewise-core module
 * @param {object} subject from core.xraySubject (address, typeName, shape, ...)
 */
export function xrayObject(pyodide, core, subject) {
  const regions = [];
  for (let round = 0; round < MAX_ROUNDS; ++round) {
    const result = core.xray(subject, regions);
    if (!result.ok || result.complete) return result;
    for (const want of result.wants) regions.push(readMemory(pyodide, want.address, want.length));
  }
  return {
    ok: false,
    errors: [
      {
        code: "xray.rounds",
        offset: null,
        message: "The X-ray kept asking for more memory; it stopped after 8 rounds.",
      },
    ],
  };
}
