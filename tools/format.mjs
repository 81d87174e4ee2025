#!/usr/bin/env node
// Formats the tree the way the lint layer checks it: clang-format for C++, Prettier for
// JS, CSS and JSON (.prettierrc.json, .prettierignore), then ESLint's own fixes.
//
//   npm run format
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** C++ sources under these folders are formatted by clang-format. */
const CXX_DIRS = ["core", "wasm", "tests"];

/** Every C++ source and header under the folders clang-format owns, relative to the root. */
export function cxxFiles(dirs = CXX_DIRS) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(cpp|hpp|h)$/.test(entry.name)) out.push(rel);
    }
  };
  dirs.forEach(walk);
  return out.sort();
}

export const PRETTIER = path.join("node_modules", "prettier", "bin", "prettier.cjs");
export const ESLINT = path.join("node_modules", "eslint", "bin", "eslint.js");

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [command, args] of [
    ["clang-format-14", ["-i", ...cxxFiles()]],
    [process.execPath, [PRETTIER, "--write", "--log-level=warn", "."]],
    [process.execPath, [ESLINT, "--fix", "."]],
  ]) {
    const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
