// Loads the app module (core + ImGui canvas) and connects it to the page's <canvas>.
import { analyzeSnapshot } from "./core-bridge.js";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {Promise<{ show: (bytes: Uint8Array, options?: object) => import("./core-bridge.js").Report,
 *                     module: object }>}
 */
export async function loadCanvas(canvas) {
  const base = new URL("wasm/", document.baseURI);
  await loadScript(new URL("bytewise-app.js", base).href);
  const module = await globalThis.createBytewiseApp({
    canvas,
    locateFile: (file) => new URL(file, base).href,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
  });
  return {
    module,
    show: (bytes, options = {}) => analyzeSnapshot(module, bytes, { method: "showSnapshot", options }),
  };
}
