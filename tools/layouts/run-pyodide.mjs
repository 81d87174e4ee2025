#!/usr/bin/env node
// Child process of tools/measure-layouts.mjs: loads one Pyodide (its folder is argv[2]),
// runs the layout corpus, and prints the header line then "key<TAB>getsizeof" lines. With
// argv[3] (a file path) it also captures the corpus as a snapshot there (the model's
// source snapshot). One Pyodide per process: two versions cannot share one.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
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
print("# CPython %s, %d-bit wasm (Pyodide %s)" % (sys.version.split()[0], struct.calcsize("P") * 8,
      __import__("pyodide").__version__))
corpus.main()
`);
if (snapshotFile) {
  for (const name of ["bytewise_edges", "bytewise_shapes", "bytewise_probe"]) {
    pyodide.FS.writeFile(`/layouts/${name}.py`, fs.readFileSync(path.join(root, "web", "py", `${name}.py`), "utf8"));
  }
  const bytes = pyodide.runPython(`
import bytewise_probe
values = corpus.values()
snapshot = bytewise_probe.capture(values, object_cap=1_000_000)
corpus._close(values)
snapshot`).toJs();
  fs.writeFileSync(snapshotFile, bytes);
}
process.stdout.write(out);
