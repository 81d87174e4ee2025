#!/usr/bin/env node
// Bytewise bootstrap: installs what a fresh Debian 12 machine lacks, and nothing else.
//
//   node tools/bootstrap.mjs          (npm start and npm test run it first)
//
// Idempotent and fast when all is present: it only reads package status and a few
// stamp files. What it installs, in order:
//   1. Debian packages: emscripten, googletest, libbenchmark-dev, chromium, ninja-build,
//      clang's libFuzzer for the fuzz targets, clang-format for the lint layer, nlohmann/json
//      (the core reads options and writes reports with it), and the canvas's font (DejaVu
//      Sans Mono, subset at build time with fonttools' pyftsubset).
//   2. Dear ImGui's full source from Debian's source package (a deb-src entry is added
//      if missing), unpacked into third_party/imgui (git-ignored).
//   3. npm dependencies from the committed lockfile (npm ci), re-run when the lockfile changes.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const DEBIAN_PACKAGES = [
  "emscripten",
  "googletest",
  "libbenchmark-dev",
  "chromium",
  "ninja-build",
  "cmake",
  "libfuzzer-14-dev",
  "libclang-rt-14-dev",
  "fonts-dejavu-core",
  "fonttools",
  "clang-format-14",
  "nlohmann-json3-dev",
];

const IMGUI_DIR = path.join(root, "third_party", "imgui");
const IMGUI_STAMP = path.join(IMGUI_DIR, ".bytewise-source");

function log(message) {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[bootstrap] error: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    fail(`${command} ${args.join(" ")} exited with ${result.status}`);
  }
}

function capture(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout : null;
}

// Root runs apt directly; anyone else goes through sudo when it exists.
function privileged(command, args) {
  if (process.getuid && process.getuid() === 0) return run(command, args);
  if (capture("sh", ["-c", "command -v sudo"])) return run("sudo", [command, ...args]);
  fail(`${command} needs root: run this as root or install sudo`);
}

const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
let aptUpdated = false;
function aptUpdate() {
  if (aptUpdated) return;
  log("apt-get update");
  privileged("apt-get", ["update", "-q"]);
  aptUpdated = true;
}

function isInstalled(pkg) {
  const status = capture("dpkg-query", ["-W", "-f=${Status}", pkg]);
  return status !== null && status.trim() === "install ok installed";
}

function installDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  aptUpdate();
  log(`installing Debian packages: ${missing.join(" ")}`);
  process.env.DEBIAN_FRONTEND = "noninteractive";
  privileged("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing]);
}

// Finds the bookworm "deb" entry this machine already trusts and mirrors it as deb-src,
// so the source package comes from the same archive and key.
function ensureDebSrc() {
  const listed = capture("sh", ["-c", "apt-get indextargets --format '$(IDENTIFIER)' 2>/dev/null"]);
  if (listed && /^Sources$/m.test(listed)) return;
  const sourcesFile = "/etc/apt/sources.list.d/debian.sources";
  let entry = null;
  if (fs.existsSync(sourcesFile)) {
    const stanzas = fs.readFileSync(sourcesFile, "utf8").split(/\n\s*\n/);
    for (const stanza of stanzas) {
      const field = (name) => {
        const match = stanza.match(new RegExp(`^${name}:\\s*(.+)$`, "mi"));
        return match ? match[1].trim() : null;
      };
      const suites = field("Suites") || "";
      if (field("Types")?.split(/\s+/).includes("deb") && /\bbookworm\b/.test(suites)) {
        entry = [
          "Types: deb-src",
          `URIs: ${field("URIs")}`,
          "Suites: bookworm",
          `Components: ${field("Components") || "main"}`,
          ...(field("Signed-By") ? [`Signed-By: ${field("Signed-By")}`] : []),
          "",
        ].join("\n");
        break;
      }
    }
  }
  if (!entry && fs.existsSync("/etc/apt/sources.list")) {
    const line = fs
      .readFileSync("/etc/apt/sources.list", "utf8")
      .split("\n")
      .find((l) => /^deb\s+\S+\s+bookworm\s/.test(l));
    if (line) entry = `Types: deb-src\nURIs: ${line.split(/\s+/)[1]}\nSuites: bookworm\nComponents: main\n`;
  }
  if (!entry) fail("no Debian bookworm 'deb' entry found to mirror as deb-src for ImGui's source");
  const target = "/etc/apt/sources.list.d/bytewise-deb-src.sources";
  log(`adding ${target} (deb-src, for Dear ImGui's source package)`);
  const tmp = path.join(os.tmpdir(), `bytewise-deb-src-${process.pid}`);
  fs.writeFileSync(tmp, entry);
  privileged("cp", [tmp, target]);
  fs.rmSync(tmp);
  aptUpdated = false;
  aptUpdate();
}

function installImguiSource() {
  if (fs.existsSync(IMGUI_STAMP) && fs.existsSync(path.join(IMGUI_DIR, "imgui.cpp"))) return;
  ensureDebSrc();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bytewise-imgui-"));
  fs.chmodSync(work, 0o755); // apt downloads as the unprivileged _apt user when it can
  log("downloading Dear ImGui's source package (apt-get source --download-only imgui)");
  run("apt-get", ["source", "--download-only", "-q", "imgui"], { cwd: work, env: aptEnv });
  const tarball = fs.readdirSync(work).find((f) => /^imgui_.*\.orig\.tar\.(xz|gz)$/.test(f));
  if (!tarball) fail(`apt-get source left no imgui_*.orig.tar.* in ${work}`);
  const unpack = path.join(work, "unpacked");
  fs.mkdirSync(unpack);
  run("tar", ["-xf", path.join(work, tarball), "-C", unpack]);
  const top = fs.readdirSync(unpack).map((d) => path.join(unpack, d));
  const srcDir = top.length === 1 && fs.statSync(top[0]).isDirectory() ? top[0] : unpack;
  if (!fs.existsSync(path.join(srcDir, "imgui.cpp"))) fail(`${tarball} holds no imgui.cpp`);
  fs.rmSync(IMGUI_DIR, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(IMGUI_DIR), { recursive: true });
  fs.cpSync(srcDir, IMGUI_DIR, { recursive: true });
  fs.writeFileSync(IMGUI_STAMP, `${tarball}\n`);
  fs.rmSync(work, { recursive: true, force: true });
  log(`Dear ImGui source in third_party/imgui (${tarball})`);
}

function installNpmDependencies() {
  const lockfile = path.join(root, "package-lock.json");
  if (!fs.existsSync(lockfile)) fail("package-lock.json is missing: it must be committed");
  const hash = createHash("sha256").update(fs.readFileSync(lockfile)).digest("hex");
  const stamp = path.join(root, "node_modules", ".bytewise-lock-hash");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === hash) return;
  log("installing npm dependencies from package-lock.json (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root });
  fs.writeFileSync(stamp, `${hash}\n`);
}

installDebianPackages();
installImguiSource();
installNpmDependencies();
