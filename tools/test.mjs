#!/usr/bin/env node
// Runs every test layer, in order, and fails if any layer fails. Each layer builds what
// it needs first (incrementally).
//
//   node tools/test.mjs                 all layers
//   node tools/test.mjs native browser  only these
//
// Layers:
//   lint     layout and lint, first because it takes seconds: every public header has its
//            test file; clang-format (C++), Prettier and ESLint (JS); the tree must pass
//            them unchanged
//   native   GoogleTest suite of the core, built natively (ctest)
//   wasm     the same suite compiled to wasm, run by Node (ctest)
//   node     real Pyodide + the core wasm: sizes against the interpreter's own answers;
//            then `bytewise lessons check` over every lesson
//   browser  the served page in Chromium: type, run, read the table, look at the canvas
//   fuzz     libFuzzer on the snapshot reader and every analysis, on the JSON readers
//            (options, a run's facts) and on the heap walker (mutated memory), 60 s in
//            all (ASan, UBSan);
//            fast-check on the share-link decoder and the lesson parser (tests/fuzz/*.fuzz.mjs)
import { spawnSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { buildFuzz, buildNative, buildSite, buildWasm, ROOT } from "./build.mjs";
import { cxxFiles, ESLINT, PRETTIER } from "./format.mjs";

/** Seconds the fuzz layer runs the snapshot fuzzer (BYTEWISE_FUZZ_SECONDS overrides). */
const FUZZ_SECONDS = Number(process.env.BYTEWISE_FUZZ_SECONDS ?? 60);
/** Inputs per property the share-link fuzzer tries (about 10 s). */
const SHARE_FUZZ_RUNS = Number(process.env.BYTEWISE_SHARE_FUZZ_RUNS ?? 5000);
/** Inputs per property the lesson-parser fuzzer tries (about 10 s). */
const LESSON_FUZZ_RUNS = Number(process.env.BYTEWISE_LESSON_FUZZ_RUNS ?? 20000);

/** Runs a command; `label` names it in the failure message instead of its arguments. */
function run(command, args, label = `${command} ${args.join(" ")}`) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.error) throw new Error(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
}

/**
 * One test file per public header (STYLE.md): core/include/bytewise/<name>.hpp needs
 * tests/core/<name>_test.cpp, listed in core_tests (tests/CMakeLists.txt) so it is built
 * and run. Throws naming every header that has none.
 */
function checkTestPerHeader() {
  const cmake = fs.readFileSync(path.join(ROOT, "tests", "CMakeLists.txt"), "utf8");
  const problems = [];
  for (const file of fs.readdirSync(path.join(ROOT, "core", "include", "bytewise")).sort()) {
    const name = file.match(/^(\w+)\.hpp$/)?.[1];
    if (!name) continue;
    const test = `core/${name}_test.cpp`;
    if (!fs.existsSync(path.join(ROOT, "tests", test))) {
      problems.push(`core/include/bytewise/${file} has no tests/${test}: write one`);
    } else if (!new RegExp(`^\\s*${test.replace(".", "\\.")}\\s*$`, "m").test(cmake)) {
      problems.push(`tests/${test} is not built: list it in core_tests in tests/CMakeLists.txt`);
    }
  }
  if (problems.length) {
    process.stderr.write(`One test file per public header:\n${problems.map((p) => `  ${p}\n`).join("")}`);
    throw new Error(`${problems.length} public header(s) without a test file`);
  }
}

const LAYERS = {
  lint: async () => {
    checkTestPerHeader();
    run(
      "clang-format-14",
      ["--dry-run", "--Werror", ...cxxFiles()],
      "clang-format-14 --dry-run (npm run format fixes it)",
    );
    run(process.execPath, [PRETTIER, "--check", "--log-level=warn", "."], "prettier --check (npm run format fixes it)");
    run(process.execPath, [ESLINT, "--max-warnings=0", "."], "eslint");
  },
  native: async () => {
    buildNative();
    run("ctest", ["--test-dir", path.join("build", "native"), "--output-on-failure"]);
  },
  wasm: async () => {
    buildWasm();
    run("ctest", ["--test-dir", path.join("build", "wasm"), "--output-on-failure"]);
  },
  node: async () => {
    buildWasm();
    run(process.execPath, ["--test", "tests/node/"]);
    // Every lesson parses, its code runs, and every exercise's answer is computed.
    run(process.execPath, ["bin/bytewise.mjs", "lessons", "check"]);
  },
  browser: async () => {
    await buildSite();
    run(process.execPath, ["--test", "--test-concurrency=1", "tests/browser/"]);
  },
  fuzz: async () => {
    buildFuzz();
    // New inputs go to a scratch corpus; the committed seeds are only read. A crash
    // leaves its input in test-artifacts/fuzz/ and fails the layer.
    const artifacts = path.join(ROOT, "test-artifacts", "fuzz");
    fs.mkdirSync(artifacts, { recursive: true });
    // Snapshot bytes get half the time, the JSON readers and the heap walker a quarter each.
    const targets = [
      ["snapshot_fuzzer", "snapshot", Math.ceil(FUZZ_SECONDS * 0.5), 65536],
      ["json_fuzzer", "json", Math.ceil(FUZZ_SECONDS * 0.25), 8192],
      ["heap_fuzzer", "heap", Math.ceil(FUZZ_SECONDS * 0.25), 4096],
    ];
    for (const [target, seeds, seconds, maxLen] of targets) {
      const scratch = path.join(ROOT, "build", "fuzz", "corpus", seeds);
      fs.mkdirSync(scratch, { recursive: true });
      run(path.join(ROOT, "build", "fuzz", target), [
        `-max_total_time=${seconds}`,
        "-timeout=10",
        "-rss_limit_mb=2048",
        `-max_len=${maxLen}`,
        "-print_final_stats=1",
        `-artifact_prefix=${artifacts}/`,
        scratch,
        path.join(ROOT, "tests", "fuzz", "corpus", seeds),
      ]);
    }
    run(process.execPath, ["tests/fuzz/share.fuzz.mjs", String(SHARE_FUZZ_RUNS)]);
    run(process.execPath, ["tests/fuzz/lessons.fuzz.mjs", String(LESSON_FUZZ_RUNS)]);
  },
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in LAYERS)) {
    process.stderr.write(`unknown test layer "${name}": use ${Object.keys(LAYERS).join(", ")}\n`);
    process.exit(2);
  }
}
const selected = requested.length ? requested : Object.keys(LAYERS);
const results = [];
for (const name of selected) {
  process.stdout.write(`\n=== test layer: ${name} ===\n`);
  const started = performance.now();
  let error = null;
  try {
    await LAYERS[name]();
  } catch (err) {
    error = err.message;
  }
  results.push({ name, seconds: (performance.now() - started) / 1000, error });
}
process.stdout.write("\n=== summary ===\n");
for (const r of results) {
  const status = r.error ? `FAILED (${r.error})` : "passed";
  process.stdout.write(`${r.name.padEnd(8)} ${status}  ${r.seconds.toFixed(1)} s\n`);
}
process.exit(results.some((r) => r.error) ? 1 : 0);
