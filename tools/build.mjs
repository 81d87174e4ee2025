#!/usr/bin/env node
// Builds what is missing or out of date, and nothing else.
//
//   node tools/build.mjs native   core + GoogleTest, natively         -> build/native
//   node tools/build.mjs wasm     core, tests and modules with Emscripten -> build/wasm
//   node tools/build.mjs app      wasm + the page (Vite)              -> build/site
//   node tools/build.mjs fuzz     libFuzzer targets (clang-14 + sanitizers) -> build/fuzz
//   node tools/build.mjs all      native, wasm and app
//
// CMake and Ninja decide what to recompile; the page is rebuilt only when one of its
// inputs is newer than the last build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PYODIDE_FILES, WALKER_FILES } from "../web/pyodide-files.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUILD = path.join(ROOT, "build");
export const SITE_DIR = path.join(BUILD, "site");
const PUBLIC_DIR = path.join(BUILD, "public");
const APP_FILES = ["bytewise-app.js", "bytewise-app.wasm", ...WALKER_FILES];

function log(message) {
  process.stdout.write(`[build] ${message}\n`);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  if (result.error) throw new Error(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

// Debian's Emscripten finds its JS dependencies (acorn) only through NODE_PATH.
const EMSCRIPTEN_ENV = { NODE_PATH: "/usr/share/nodejs" };

export function buildNative() {
  const dir = path.join(BUILD, "native");
  if (!fs.existsSync(path.join(dir, "build.ninja"))) {
    log("configuring the native build");
    run("cmake", ["-S", ".", "-B", dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]);
  }
  run("cmake", ["--build", dir]);
}

export function buildWasm() {
  const dir = path.join(BUILD, "wasm");
  if (!fs.existsSync(path.join(dir, "build.ninja"))) {
    log("configuring the Emscripten build");
    run("emcmake", ["cmake", "-S", ".", "-B", dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"], EMSCRIPTEN_ENV);
  }
  run("cmake", ["--build", dir], EMSCRIPTEN_ENV);
}

// The libFuzzer targets: clang with sanitizers, in their own build tree.
export function buildFuzz() {
  const dir = path.join(BUILD, "fuzz");
  if (!fs.existsSync(path.join(dir, "build.ninja"))) {
    log("configuring the fuzz build (clang-14, libFuzzer, ASan, UBSan)");
    run(
      "cmake",
      [
        "-S",
        ".",
        "-B",
        dir,
        "-G",
        "Ninja",
        "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        "-DBYTEWISE_FUZZ=ON",
        "-DBYTEWISE_BUILD_TESTS=OFF",
      ],
      { CC: "clang-14", CXX: "clang++-14" },
    );
  }
  run("cmake", ["--build", dir, "--target", "snapshot_fuzzer", "json_fuzzer", "heap_fuzzer"]);
}

function copyIfChanged(from, to) {
  const source = fs.statSync(from);
  if (fs.existsSync(to)) {
    const target = fs.statSync(to);
    if (target.size === source.size && target.mtimeMs >= source.mtimeMs) return;
  }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function newestMtime(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

export async function buildSite() {
  buildWasm();
  const pyodideDir = path.join(ROOT, "node_modules", "pyodide");
  for (const file of PYODIDE_FILES) {
    copyIfChanged(path.join(pyodideDir, file), path.join(PUBLIC_DIR, "pyodide", file));
  }
  for (const file of APP_FILES) {
    copyIfChanged(path.join(BUILD, "wasm", "web", file), path.join(PUBLIC_DIR, "wasm", file));
  }
  // Files served unchanged at the site's root (the service worker).
  for (const file of fs.readdirSync(path.join(ROOT, "web", "public"))) {
    copyIfChanged(path.join(ROOT, "web", "public", file), path.join(PUBLIC_DIR, file));
  }
  const stamp = path.join(SITE_DIR, ".built");
  const inputs = ["index.html", "web", "lessons", "vite.config.js", "package-lock.json", "build/public"];
  const newest = Math.max(...inputs.map((p) => newestMtime(path.join(ROOT, p))));
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest) return;
  log("building the page (vite build)");
  const { build } = await import("vite");
  await build({ root: ROOT, configFile: path.join(ROOT, "vite.config.js") });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

export async function buildTargets(targets) {
  for (const target of targets) {
    if (target === "native") buildNative();
    else if (target === "wasm") buildWasm();
    else if (target === "app") await buildSite();
    else if (target === "fuzz") buildFuzz();
    else if (target === "all") {
      buildNative();
      await buildSite();
    } else throw new Error(`unknown build target "${target}": use native, wasm, app, fuzz or all`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const targets = process.argv.slice(2);
  buildTargets(targets.length ? targets : ["all"]).catch((err) => {
    process.stderr.write(`[build] error: ${err.message}\n`);
    process.exit(1);
  });
}
