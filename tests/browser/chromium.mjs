// Launches Debian's Chromium through playwright-core with flags that work offline, as
// root, with WebGL2 on the CPU (SwiftShader).
import fs from "node:fs";
import { chromium } from "playwright-core";

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
