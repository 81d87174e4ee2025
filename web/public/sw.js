// Bytewise's service worker: the app works offline after one visit. Copied unchanged to
// the site's root (tools/build.mjs) so that its scope is the whole app.
//
// Network first, for every same-origin GET: online, the page always gets the current
// files (the .wasm and Pyodide's files keep their names across versions, so a cache-first
// worker could pair new code with old binaries); offline, the last copy answers. The page
// (web/offline.js) fills the cache once with everything a run needs, including the files
// its Python worker fetches. Cached responses keep their headers, so the page stays
// cross-origin isolated offline.
const CACHE = "bytewise-offline-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok && response.status === 200 && !request.headers.has("range")) {
          await cache.put(request, response.clone());
        }
        return response;
      } catch (err) {
        // ignoreVary: the server varies on Origin, which module scripts send and the page's
        // own cache filling does not.
        const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate", ignoreVary: true });
        if (cached) return cached;
        throw err;
      }
    })(),
  );
});
