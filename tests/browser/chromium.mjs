// Launches Debian's Chromium through playwright-core with flags that work offline, as
// root, with WebGL2 on the CPU (SwiftShader).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../tools/serve.mjs";

/** Where browser tests leave screenshots and timings. */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test-artifacts");

export const CHROMIUM_PATH = process.env.BYTEWISE_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run "node tools/bootstrap.mjs" (Debian package chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Collects what went wrong on `page` (uncaught errors, console errors, failed requests,
 * HTTP errors) into the returned array, for a test to assert it stays empty.
 */
export function collectProblems(page) {
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/**
 * The served app, Chromium and one 1400 x 900 page watched by collectProblems. With
 * `ready` ("python" or "canvas": both), the page has loaded the app and waited for Python
 * and for the app module, which draws the canvas and computes every number the page shows;
 * without it, it has not navigated yet. close() ends them all.
 * @param {{ ready?: "python" | "canvas" }} [options]
 */
export async function openApp({ ready } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer({ port: 0 });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = collectProblems(page);
  const close = async () => {
    await browser.close();
    await server.close();
  };
  if (ready) {
    await page.goto(server.url);
    await page.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  }
  return { server, browser, page, problems, close };
}
