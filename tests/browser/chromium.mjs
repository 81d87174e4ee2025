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
