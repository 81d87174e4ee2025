// Vite builds the page (index.html + web/) into build/site and serves it.
// build/public is assembled by tools/build.mjs: Pyodide's runtime files (pyodide/) and
// the app module (wasm/). Cross-origin isolation headers let the worker be interrupted.
import { defineConfig } from "vite";

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

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
  preview: { host: "127.0.0.1", port: 8000, strictPort: true, headers: ISOLATION_HEADERS },
});
