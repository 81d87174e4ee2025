#!/usr/bin/env node
// Prints, per platform, how the layout model's predictions stand against every measured
// fixture (tests/fixtures/layouts): exact / assumed / not modelled / wrong, for getsizeof
// (as the page infers it and as `bytewise size` is told), deep sizes and allocator blocks.
// Builds the native core first (tests/core/layout_counts.cpp does the counting):
//
//   node tools/layout-counts.mjs
//
// Exits 1 if any value labelled exact is wrong.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildNative } from "./build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
buildNative();
const result = spawnSync(path.join(root, "build", "native", "tests", "layout_counts"), { stdio: "inherit" });
process.exit(result.status ?? 1);
