// Offline use after the first visit: registers the service worker (web/public/sw.js) and
// fills its cache with every file a run needs, so that the next visit works without a
// network. The Python worker's own files (Pyodide's and the heap walker's, from
// web/pyodide-files.js) are listed here, since a page's first visit is not yet under the service
// worker's control.
import { WORKER_FILES } from "./pyodide-files.js";

const CACHE = "bytewise-offline-v1"; // the same name as in sw.js

/**
 * @returns {Promise<{ ok: boolean, files: number, error?: string }>} resolves once the cache
 *   holds the app (or says why it cannot: no service workers, storage refused)
 */
export async function enableOffline() {
  if (!("serviceWorker" in navigator) || !("caches" in globalThis)) {
    return { ok: false, files: 0, error: "this browser has no service workers" };
  }
  try {
    await navigator.serviceWorker.register(new URL("sw.js", document.baseURI), { scope: "./" });
    const pageFiles = performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((url) => new URL(url).origin === location.origin);
    const urls = [
      ...new Set([
        new URL("./", document.baseURI).href,
        ...pageFiles,
        ...WORKER_FILES.map((f) => new URL(f, document.baseURI).href),
      ]),
    ];
    const cache = await caches.open(CACHE);
    await cache.addAll(urls);
    return { ok: true, files: urls.length };
  } catch (err) {
    return { ok: false, files: 0, error: String(err?.message ?? err) };
  }
}
