// Runs user code in a Pyodide instance and captures a snapshot of its variables.
// Shared by the page's worker (web/worker.js) and the Node tests, so both exercise the
// same path. The Python side lives in web/py: the public module bytewise.py (what user
// programs import) and the private package _bytewise/.

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

/** Python's None arrives as undefined; JSON reports want null. */
function nullify(value) {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(nullify);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullify(v)]));
  }
  return value;
}

/**
 * @typedef {{ type: string, message: string, traceback: string }} PythonError
 * @typedef {{ snapshot: Uint8Array, error: PythonError | null, tracemalloc: object | null,
 *             runMs: number, captureMs: number }} RunResult
 */

/**
 * Runs `code` as __main__ and captures its variables.
 * @param {import("pyodide").PyodideInterface} pyodide
 * @param {string} code
 * @param {object} [options] object_cap, edge_cap, roots, follow_types, follow_modules,
 *   follow_globals, follow_code, tracemalloc (Python names; see web/py/_bytewise/runner.py)
 * @param {() => void} [onCapture] called between the program's end and the capture
 * @returns {RunResult}
 */
export function runAndCapture(pyodide, code, options = {}, onCapture = undefined) {
  const runner = pyodide.pyimport("_bytewise.runner");
  const pyOptions = pyodide.toPy(options);
  let result;
  try {
    result = runner.run_and_capture(code, pyOptions, onCapture); // undefined arrives as None
  } finally {
    pyOptions.destroy();
    runner.destroy();
  }
  try {
    const snapshotProxy = result.get("snapshot");
    // One copy out of Pyodide's heap: views into it detach when the heap grows.
    const copied = snapshotProxy.toJs();
    snapshotProxy.destroy();
    // The caller may transfer snapshot.buffer: make sure it holds exactly the snapshot.
    const snapshot = copied.byteLength === copied.buffer.byteLength ? copied : copied.slice();
    const plain = (key) => {
      const value = result.get(key);
      if (value === undefined || value === null) return null;
      if (typeof value !== "object") return value;
      const js = value.toJs({ dict_converter: Object.fromEntries });
      value.destroy();
      return nullify(js);
    };
    return {
      snapshot,
      error: plain("error"),
      tracemalloc: plain("tracemalloc"),
      runMs: result.get("run_ms"),
      captureMs: result.get("capture_ms"),
    };
  } finally {
    result.destroy();
  }
}
