#!/usr/bin/env node
// Adds real Pyodide captures to the fuzzer's seed corpus (tests/fuzz/corpus/snapshot),
// next to the hand-built ones from make_fuzz_seeds. Run by hand when the probe changes:
//   node tests/fuzz/capture-seeds.mjs
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openSession } from "../node/pyodide-session.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "corpus", "snapshot");
const PROGRAMS = {
  "pyodide-basics": 'import sys\nx = [1, 2, 3]\ns = "hello"\nd = {"a": s, "b": [s, s]}\nt = (1.5, 2**100, None, True)',
  "pyodide-instances":
    "class P:\n    def __init__(self, x):\n        self.x = x\n        self.me = self\nps = [P(i) for i in range(20)]",
  "pyodide-sets-and-bytes": "s = {1, 'a', (2, 3)}\nf = frozenset(s)\nb = b'abc' * 10\nba = bytearray(50)",
  "pyodide-functions": "def f(a, b=[1]):\n    return a\nclass C:\n    pass\nitems = [f, C, len, 'é', '日本', '😀']",
};

const session = await openSession();
fs.mkdirSync(out, { recursive: true });
for (const [name, code] of Object.entries(PROGRAMS)) {
  const { snapshot, facts } = session.run(code);
  if (facts.error) throw new Error(`${name}: ${facts.error.message}`);
  fs.writeFileSync(path.join(out, `${name}.snap`), snapshot);
  console.log(`${name}.snap: ${snapshot.length} bytes`);
}
