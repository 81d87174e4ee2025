// Vite builds the page (index.html + web/) into build/site and serves it.
// build/public is assembled by tools/build.mjs: Pyodide's runtime files (pyodide/) and
// the app module (wasm/). Cross-origin isolation headers let the worker be interrupted;
// the served app also gets a Content-Security-Policy.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { defineConfig } from "vite";

// The sandbox frame's inline script (web/sandbox-frame.js, the frame's srcdoc), allowed by
// its hash: the frame inherits this policy.
const FRAME_SCRIPT_HASH = createHash("sha256")
  .update(fs.readFileSync(new URL("./web/sandbox-frame.js", import.meta.url)))
  .digest("base64");

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

// Content-Security-Policy of the served app, on every response (a worker's policy comes
// from its own script's response). Only the app's own origin, plus what each part needs:
// 'wasm-unsafe-eval' to compile WebAssembly (Pyodide, the core, the canvas; built with
// -sDYNAMIC_EXECUTION=0, so no eval); blob: for the sandbox frame's workers and the
// Pyodide modules they import from the bytes the page hands them (web/frame-host.js),
// and the frame's own script by its hash; inline <style> elements for the editor (CodeMirror
// writes its theme into one); data: images for the favicon. No frame-ancestors: tutorials
// embed the app in their pages.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' 'wasm-unsafe-eval' blob: 'sha256-${FRAME_SCRIPT_HASH}'`,
  "style-src 'self'",
  "style-src-elem 'self' 'unsafe-inline'",
  "img-src data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export default defineConfig({
  base: "./",
  publicDir: "build/public",
  logLevel: "warn",
  build: {
    outDir: "build/site",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1", port: 8000, strictPort: true, headers: ISOLATION_HEADERS },
  preview: {
    host: "127.0.0.1",
    port: 8000,
    strictPort: true,
    headers: { ...ISOLATION_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY },
  },
});
