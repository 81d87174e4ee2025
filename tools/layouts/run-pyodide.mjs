#!/usr/bin/env node
// Child process of tools/measure-layouts.mjs: loads one Pyodide (its folder is argv[2]) and
// prints two sections, each "## name" then its lines:
//   ## getsizeof    the layout corpus: header line, then key<TAB>getsizeof
//   ## allocation   the allocation fixture (corpus.py print_allocation): block, static and
//                   reserve lines; reserve rows are dlmalloc's chunks for 64 requests held at
//                   once (malloc_usable_size + its 4-byte header)
//   ## deep         the instance-heavy programs' deep sizes: key<TAB>deep size
// With argv[3] (a file path) it also captures the corpus as a snapshot there (the model's
// source snapshot). One Pyodide per process: two versions cannot share one.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { pythonModuleSources } from "../../web/node-api.js";
import { installModules } from "../../web/python-runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, snapshotFile] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: `${dir}/` });
let out = "";
pyodide.setStdout({ batched: (line) => (out += `${line}\n`) });
pyodide.FS.mkdirTree("/layouts");
pyodide.FS.writeFile("/layouts/corpus.py", fs.readFileSync(path.join(here, "corpus.py"), "utf8"));
pyodide.runPython(`
import sys, struct
sys.path.insert(0, "/layouts")
import corpus
print("## getsizeof")
print("# CPython %s, %d-bit wasm (Pyodide %s)" % (sys.version.split()[0], struct.calcsize("P") * 8,
      __import__("pyodide").__version__))
corpus.main()
`);
// Pyodide has no pymalloc: PyObject_Malloc is dlmalloc's malloc. A request fitted into a
// free chunk may get up to 8 bytes more than a fresh one (dlmalloc takes a chunk from the
// next bin whole rather than split it); holding 64 at once makes the fewest the fresh size.
const m = pyodide._module;
const requests = pyodide.runPython("corpus.reserve_requests()").toJs();
const reserved = new Map();
for (const n of requests) {
  const held = Array.from({ length: 64 }, () => m._PyObject_Malloc(n));
  const chunks = held.map((p) => m._malloc_usable_size(p) + 4);
  reserved.set(n, [Math.min(...chunks), Math.max(...chunks)]);
  for (const p of held) m._PyObject_Free(p);
}
const heapBase = typeof m.___heap_base === "object" ? m.___heap_base.value : m.___heap_base;
out += "## allocation\n";
pyodide.globals.set("reserved", pyodide.toPy(reserved));
pyodide.runPython(`corpus.print_allocation({int(k): tuple(v) for k, v in reserved.items()}, ${heapBase})`);
out += "## deep\n";
pyodide.runPython(`
deep_values = corpus.values()
corpus.print_deep(deep_values)
corpus._close(deep_values)
del deep_values`);
if (snapshotFile) {
  installModules(pyodide, pythonModuleSources());
  const bytes = pyodide
    .runPython(
      `
from _bytewise import probe
probe.set_heap_base(${heapBase})
values = corpus.values()
snapshot = probe.capture(values, 1_000_000, None, 1_000_000)
corpus._close(values)
snapshot`,
    )
    .toJs();
  fs.writeFileSync(snapshotFile, bytes);
}
process.stdout.write(out);
