#!/usr/bin/env node
// Serves the built page (build/site) with cross-origin isolation headers.
//
//   node tools/serve.mjs [--port 8000]
//
// Uses Vite's preview server (sirv underneath): correct types for .wasm (application/wasm)
// and .mjs (text/javascript), and the COOP/COEP headers from vite.config.js.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { ROOT, SITE_DIR } from "./build.mjs";

/**
 * @param {{ port?: number }} [options] port 0 picks a free port
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startServer({ port = 8000 } = {}) {
  if (!fs.existsSync(path.join(SITE_DIR, "index.html"))) {
    throw new Error(`${SITE_DIR} has no page yet: run "node tools/build.mjs app" first`);
  }
  const { preview } = await import("vite");
  const server = await preview({
    root: ROOT,
    configFile: path.join(ROOT, "vite.config.js"),
    preview: { port, strictPort: port !== 0, open: false },
    logLevel: "warn",
  });
  const address = server.httpServer.address();
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.httpServer.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8000" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535, got "${values.port}"\n`);
    process.exit(2);
  }
  startServer({ port })
    .then(({ url }) => process.stdout.write(`Bytewise is running at ${url}  (Ctrl+C to stop)\n`))
    .catch((err) => {
      process.stderr.write(`[serve] error: ${err.message}\n`);
      process.exit(1);
    });
}
