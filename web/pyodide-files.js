// The files of Pyodide's npm package that a run needs (about 13.5 MB): tools/build.mjs
// copies them into the site's pyodide/ folder, and web/offline.js caches them from there
// for offline use. One list, so a file added for one cannot be missing from the other.
export const PYODIDE_FILES = [
  "pyodide.mjs",
  "pyodide.asm.mjs",
  "pyodide.asm.wasm",
  "python_stdlib.zip",
  "pyodide-lock.json",
];
