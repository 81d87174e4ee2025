// Runs user code in a Pyodide instance and captures a snapshot of its variables.
// Shared by the page's worker (web/worker.js) and the Node tests, so both exercise the
// same path. The Python side lives in web/py/*.py.

/** Folder in Pyodide's file system that holds the Bytewise Python modules. */
export const MODULE_DIR = "/bytewise";

/**
 * Writes the Bytewise Python modules into Pyodide's file system and puts them on sys.path.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {Record<string, string>} modules module name -> Python source
 */
export function installModules(pyodide, modules) {
  pyodide.FS.mkdirTree(MODULE_DIR);
  for (const [name, source] of Object.entries(modules)) {
    pyodide.FS.writeFile(`${MODULE_DIR}/${name}.py`, source);
  }
  pyodide.runPython(
    `import sys, importlib\n` +
      `if ${JSON.stringify(MODULE_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(MODULE_DIR)})\n` +
      `importlib.invalidate_caches()`,
  );
}

/**
 * Runs `code` as __main__ and captures its user-defined globals.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {string} code
 * @returns {{ snapshot: Uint8Array, error: string | null, runMs: number }}
 */
export function runAndCapture(pyodide, code) {
  const runner = pyodide.pyimport("bytewise_runner");
  const started = performance.now();
  let result;
  try {
    result = runner.run_and_capture(code);
  } finally {
    runner.destroy();
  }
  try {
    const snapshotProxy = result.get(0);
    const error = result.get(1);
    // One copy out of Pyodide's heap: views into it detach when the heap grows.
    const copied = snapshotProxy.toJs();
    snapshotProxy.destroy();
    // The caller may transfer snapshot.buffer: make sure it holds exactly the snapshot.
    const snapshot = copied.byteLength === copied.buffer.byteLength ? copied : copied.slice();
    return { snapshot, error: error ?? null, runMs: performance.now() - started };
  } finally {
    result.destroy();
  }
}
