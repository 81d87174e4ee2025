// The files the Python worker is handed (the worker fetches nothing: web/frame-host.js
// fetches them and gives each worker copies). tools/build.mjs copies them into the site,
// and web/offline.js caches them from there for offline use. One list, so a file added for
// one cannot be missing from the other.

/** Pyodide's npm package files that a run needs (about 13.5 MB), served from pyodide/. */
export const PYODIDE_FILES = [
  "pyodide.mjs",
  "pyodide.asm.mjs",
  "pyodide.asm.wasm",
  "python_stdlib.zip",
  "pyodide-lock.json",
];

/** The core's heap walker (web/native-capture.js), built into wasm/: it runs beside Pyodide. */
export const WALKER_FILES = ["bytewise-walker.js", "bytewise-walker.wasm"];

/** Every file the worker is handed, as paths in the site; the worker knows each by its name. */
export const WORKER_FILES = [...PYODIDE_FILES.map((f) => `pyodide/${f}`), ...WALKER_FILES.map((f) => `wasm/${f}`)];
