#!/usr/bin/env node
// Makes the README's presenter-mode picture, docs/presenter.png: the built page at
// 1920 x 1080 in presenter mode, after running a short program, halved to 960 x 540.
//
//   node tools/build.mjs app && node tools/screenshot.mjs
//
// Prints the box text size the canvas drew (its test hook), which the picture shows.
import fs from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import { launchChromium } from "../tests/browser/chromium.mjs";
import { ROOT } from "./build.mjs";
import { startServer } from "./serve.mjs";

const OUT = path.join(ROOT, "docs", "presenter.png");
const PROGRAM = `import sys

# A list holds pointers to objects, not the objects themselves.
numbers = [1, 2, 3]
word = "memory"
words = [word] * 3          # three pointers to one string

print(sys.getsizeof(numbers))   # the list alone: its header and 3 pointers
`;

/** `png` at half its width and height, each pixel the mean of four. */
function halve(png) {
  const out = new PNG({ width: png.width >> 1, height: png.height >> 1, colorType: 2 });
  for (let y = 0; y < out.height; y += 1) {
    for (let x = 0; x < out.width; x += 1) {
      for (let c = 0; c < 3; c += 1) {
        let sum = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ]) {
          sum += png.data[((2 * y + dy) * png.width + 2 * x + dx) * 4 + c];
        }
        out.data[(y * out.width + x) * 4 + c] = Math.round(sum / 4);
      }
      out.data[(y * out.width + x) * 4 + 3] = 255;
    }
  }
  return out;
}

const server = await startServer({ port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.addInitScript(() => localStorage.setItem("bytewise.presenter", "1"));
  await page.goto(server.url);
  await page.evaluate(() => Promise.all([globalThis.bytewise.pythonReady, globalThis.bytewise.canvasReady]));
  await page.evaluate((code) => globalThis.bytewise.setCode(code), PROGRAM);
  await page.click("#bw-run");
  await page.waitForFunction(() => globalThis.bytewise.reportsShown() > 0);
  // Two more frames drawn (the canvas draws only when asked to or when something changed).
  const frames = await page.evaluate(() => globalThis.bytewise.canvasStats().framesRendered);
  await page.evaluate(() => globalThis.bytewise.canvasAction("redraw"));
  await page.waitForFunction((n) => globalThis.bytewise.canvasStats().framesRendered >= n + 2, frames);
  const stats = await page.evaluate(() => globalThis.bytewise.canvasStats());
  const shot = PNG.sync.read(await page.screenshot());
  fs.writeFileSync(OUT, PNG.sync.write(halve(shot), { colorType: 2 }));
  process.stdout.write(
    `${path.relative(ROOT, OUT)}: presenter mode at 1920 x 1080, box text ${stats.boxTextPx} CSS px, ` +
      `${(fs.statSync(OUT).size / 1024).toFixed(0)} KB\n`,
  );
} finally {
  await browser.close();
  await server.close();
}
