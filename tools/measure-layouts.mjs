#!/usr/bin/env node
// Measures the layout corpus (tools/layouts/corpus.py) on every CPython this machine has
// and writes the fixtures the layout model is tested against (tests/fixtures/layouts/):
//
//   node tools/measure-layouts.mjs
//
// Per platform, NAME.tsv holds sys.getsizeof of every corpus value, NAME.deep.tsv the deep
// size of each instance-heavy program (corpus.py deep_programs) and NAME.alloc.tsv what the
// allocator did: the blocks each fresh object of the allocation corpus requested, which
// values are the interpreter's static data, and what the allocator reserves per request.
//
// Native interpreters: every `pyenv versions` entry from 3.8 up, and python3 on PATH.
// Pyodide: 0.25.1 (3.11), 0.27.7 (3.12), 0.28.3 (3.13), installed from npm into
// build/pyodide-versions/ when missing, and the project's own 314.0.7 (3.14), which also
// captures the corpus as the model's source snapshot. Re-run it when the corpus changes,
// and commit the results: the tests read only the committed files.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpus = path.join(root, "tools", "layouts", "corpus.py");
const out = path.join(root, "tests", "fixtures", "layouts");
const PYODIDE_VERSIONS = ["0.25.1", "0.27.7", "0.28.3"];

function log(message) {
  process.stdout.write(`[layouts] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  if (result.error || result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr.slice(-2000)}`);
  }
  return result.stdout;
}

function nativeInterpreters() {
  const found = new Map(); // version -> executable
  const pyenv = spawnSync("pyenv", ["root"], { encoding: "utf8" });
  if (pyenv.status === 0) {
    const versions = path.join(pyenv.stdout.trim(), "versions");
    for (const name of fs.existsSync(versions) ? fs.readdirSync(versions) : []) {
      const exe = path.join(versions, name, "bin", "python");
      if (fs.existsSync(exe)) found.set(name, exe);
    }
  }
  const python3 = spawnSync("python3", ["-c", "import sys; print(sys.version.split()[0])"], { encoding: "utf8" });
  if (python3.status === 0 && !found.has(python3.stdout.trim())) found.set(python3.stdout.trim(), "python3");
  return [...found].filter(([version]) => {
    const [major, minor] = version.split(".").map(Number);
    return major === 3 && minor >= 8;
  });
}

function platformName(header) {
  // "# CPython 3.12.1, 64-bit ..." -> cpython-3.12-64; "... 32-bit wasm ..." -> cpython-3.12-wasm32
  const match = /^# CPython (\d+)\.(\d+)\.\d+\S*, (\d+)-bit( wasm)?/.exec(header);
  if (!match) throw new Error(`unexpected corpus header: ${header}`);
  const [, major, minor, bits, wasm] = match;
  return `cpython-${major}.${minor}-${wasm ? "wasm32" : bits}`;
}

function save(output, allocation, deep) {
  const header = output.split("\n", 1)[0];
  const name = platformName(header);
  const programs = deep.trimEnd().split("\n");
  fs.writeFileSync(
    path.join(out, `${name}.deep.tsv`),
    `${header}\n# measured by tools/measure-layouts.mjs (corpus.py deep_size): key<TAB>deep size\n${programs.join("\n")}\n`,
  );
  const lines = output.trimEnd().split("\n");
  fs.writeFileSync(
    path.join(out, `${name}.tsv`),
    `${header}\n# measured by tools/measure-layouts.mjs: key<TAB>sys.getsizeof\n${lines.slice(1).join("\n")}\n`,
  );
  const rows = allocation.trimEnd().split("\n");
  fs.writeFileSync(
    path.join(out, `${name}.alloc.tsv`),
    `${header}\n# measured by tools/measure-layouts.mjs (see tools/layouts/corpus.py print_allocation):\n` +
      "# block<TAB>key<TAB>requested sizes | static<TAB>key<TAB>0/1 | reserve<TAB>request<TAB>fewest<TAB>most\n" +
      `${rows.join("\n")}\n`,
  );
  const count = (kind) => rows.filter((row) => row.startsWith(`${kind}\t`)).length;
  log(
    `${name}: ${lines.length - 1} values, ${programs.length} deep sizes, ${count("block")} allocation blocks, ` +
      `${count("reserve")} ` +
      `request sizes (${header.slice(2)})`,
  );
  return name;
}

// The child's "## getsizeof", "## allocation" and "## deep" sections.
function sections(output) {
  const [, getsizeof, allocation, deep] = output.split(/^## (?:getsizeof|allocation|deep)\n/m);
  if (!deep) throw new Error(`unexpected output from the Pyodide runner:\n${output.slice(0, 2000)}`);
  return [getsizeof, allocation, deep];
}

function pyodideDir(version) {
  const dir = path.join(root, "build", "pyodide-versions", version);
  const pkg = path.join(dir, "node_modules", "pyodide");
  if (!fs.existsSync(path.join(pkg, "pyodide.mjs"))) {
    log(`installing pyodide@${version} into build/pyodide-versions/${version}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    run("npm", ["install", "--no-audit", "--no-fund", "--no-save", `pyodide@${version}`], { cwd: dir });
  }
  return pkg;
}

fs.mkdirSync(out, { recursive: true });
const measured = new Map();
for (const [version, exe] of nativeInterpreters()) {
  const output =
    `# CPython ${version}, 64-bit (${exe === "python3" ? "python3" : `pyenv ${version}`})\n` + run(exe, [corpus]);
  const bits = run(exe, ["-c", "import struct; print(struct.calcsize('P') * 8)"]).trim();
  if (bits !== "64") throw new Error(`${exe} is ${bits}-bit; the native fixtures are 64-bit`);
  const name = platformName(output);
  if (measured.has(name)) {
    log(`${name}: already measured with ${measured.get(name)}; skipping ${version}`);
    continue;
  }
  measured.set(name, version);
  save(output, run(exe, [corpus, "--allocation"]), run(exe, [corpus, "--deep"]));
}
const runner = path.join(root, "tools", "layouts", "run-pyodide.mjs");
for (const version of PYODIDE_VERSIONS) {
  save(...sections(run(process.execPath, [runner, pyodideDir(version)])));
}
const source = path.join(out, "source-cpython-3.14-wasm32.snap");
save(...sections(run(process.execPath, [runner, path.join(root, "node_modules", "pyodide"), source])));
log(`source snapshot: ${path.relative(root, source)} (${fs.statSync(source).size} bytes)`);
