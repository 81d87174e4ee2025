// The golden corpus: Python programs (tests/corpus/*.py) and the public report each one
// gets (tests/corpus/golden/*.json), written by `node tests/corpus/corpus.mjs` and
// compared by tests/node/corpus.test.mjs on every test run.
//
// A program may carry measure() options on a line of its own near the top:
//   # options: {"tracemalloc": true}
// Golden reports are normalised so that they repeat from run to run: timings are left
// out and object ids become "@1", "@2"... in order of first appearance (the same object
// keeps the same name everywhere in one report); tracemalloc's byte and block counts,
// which depend on what the interpreter ran before (free lists, caches), become "<number>"
// while its lines, texts and labels stay, and its top lines keep only those of 4 KiB or
// more that import nothing (an import allocates only the first time an interpreter runs
// it, and small lines come and go with the free lists). A change that moves a number updates
// the golden files in the same commit, and the commit says why.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const GOLDEN_DIR = path.join(CORPUS_DIR, "golden");

/** @returns {Array<{ name: string, code: string, options: object }>} sorted by file name */
export function loadCorpus() {
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((file) => {
      const code = fs.readFileSync(path.join(CORPUS_DIR, file), "utf8");
      const match = /^# options: (.*)$/m.exec(code);
      return { name: file.slice(0, -3), code, options: match ? JSON.parse(match[1]) : {} };
    });
}

const TRACED_COUNTS = new Set(["current", "peak", "bytes", "blocks", "before", "after", "change"]);

/** The report without what varies between runs of the same program. */
export function normalise(report) {
  const ids = new Map();
  const walk = (value, key, traced) => {
    if (Array.isArray(value)) return value.map((v) => walk(v, key, traced));
    if (value && typeof value === "object") {
      const out = {};
      for (let [k, v] of Object.entries(value)) {
        if (k === "timings") continue;
        if (traced && k === "top_lines")
          v = v.filter((line) => line.bytes >= 4096 && !/^(import|from) /.test(line.text));
        out[k] = walk(v, k, traced || k === "tracemalloc");
      }
      return out;
    }
    if (traced && TRACED_COUNTS.has(key) && typeof value === "number") return "<number>";
    if (key === "id" && typeof value === "number") {
      if (!ids.has(value)) ids.set(value, `@${ids.size + 1}`);
      return ids.get(value);
    }
    return value;
  };
  return walk(report, null, false);
}

export function goldenPath(name) {
  return path.join(GOLDEN_DIR, `${name}.json`);
}

// Writes every golden report from the current measure() (web/node-api.js).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { openBytewise } = await import("../../web/node-api.js");
  const bytewise = await openBytewise();
  fs.mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const { name, code, options } of loadCorpus()) {
    const report = normalise(await bytewise.measure(code, options));
    fs.writeFileSync(goldenPath(name), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${name}\n`);
  }
}
