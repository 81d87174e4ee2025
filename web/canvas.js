// Loads the app module (core + ImGui canvas) and connects it to the page's <canvas>:
// snapshots in, the canvas's requests (memory for the X-ray, footprints, small ints, a
// finished PNG) out to `onRequest`, and pinch gestures in as zoom (Emscripten's GLFW knows
// no touch zoom). A finished PNG is also downloaded here.
import { createAnalyser } from "./analyser.js";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** Two-finger pinch on the canvas becomes module.zoomBy(factor, x, y). */
function pinchToZoom(canvas, module) {
  const pointers = new Map();
  let last = 0;
  const spread = () => {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (e.pointerType !== "touch") return;
    pointers.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
    if (pointers.size === 2) last = spread();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
    if (pointers.size !== 2 || last <= 0) return;
    const now = spread();
    const [a, b] = [...pointers.values()];
    module.zoomBy(now / last, (a.x + b.x) / 2, (a.y + b.y) / 2);
    last = now;
    e.preventDefault();
  });
  const end = (e) => {
    pointers.delete(e.pointerId);
    last = pointers.size === 2 ? spread() : 0;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

/** Saves a PNG (a data URL) as the browser's download of bytewise-diagram.png. */
function download(dataUrl) {
  const link = document.createElement("a");
  link.download = "bytewise-diagram.png";
  link.href = dataUrl;
  link.click();
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ onRequest?: (name: string, detail: object) => void }} [hooks]
 *   name (wasm/app/js_interface.cpp, request_name): "xrayMemory" (detail: { request, ranges:
 *   [{ address, length }] }: answer with module.xrayMemory(request, [{ address, bytes }]) or
 *   module.xrayMemoryFailed(request, message)), "footprints", "smallInts", "pngReady"
 *   (detail: the PNG as a data URL, already downloaded)
 * @returns {Promise<{ module: object, analyser: ReturnType<typeof createAnalyser> }>} the app
 *   module and its analyser, whose report({ show: true }) also hands the analysis to the canvas
 */
export async function loadCanvas(canvas, { onRequest } = {}) {
  const base = new URL("wasm/", document.baseURI);
  await loadScript(new URL("bytewise-app.js", base).href);
  const module = await globalThis.createBytewiseApp({
    canvas,
    locateFile: (file) => new URL(file, base).href,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onCanvasRequest: (name, detail) => {
      if (name === "pngReady") download(detail);
      onRequest?.(name, detail);
    },
  });
  pinchToZoom(canvas, module);
  return { module, analyser: createAnalyser(module) };
}
