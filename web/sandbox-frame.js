// The sandbox frame's only script (a classic script, inlined into the frame's srcdoc by
// web/frame-host.js; the page's Content-Security-Policy allows it by its hash, which
// vite.config.js computes from this file). The frame is an iframe with
// sandbox="allow-scripts": its origin is opaque ("null"), so nothing running in it or in
// the workers it starts can open the app's Cache Storage, IndexedDB, localStorage or
// service worker, or read the app's files.
//
// The page connects once, handing over a control port (a MessagePort). On the control
// port, the page asks for Python workers; each gets its own MessageChannel port from the
// page, passed straight to the worker, so the page and each worker talk directly and
// nothing a worker's code posts to its own global scope reaches the page. The frame keeps
// each worker's interrupt buffer (a SharedArrayBuffer can only be shared within this
// frame's agent cluster) and writes it when the page asks for a stop.
//
// Control messages in:  { type: "start", id, source, files, port }  (source: the worker's
//                       module text; files: { name: ArrayBuffer }, transferred)
//                       { type: "interrupt", id }  { type: "terminate", id }
// Control messages out: { type: "hello", canInterrupt }  { type: "workerError", id, message }
"use strict";
(() => {
  const page = window.parent;
  const workers = new Map(); // id -> { worker, interrupts }

  function start(control, { id, source, files, port }) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    // A classic worker: a module worker cannot start from a blob in an opaque origin. The
    // bundle has no static imports; it imports Pyodide with import().
    const worker = new Worker(url);
    const interrupts =
      self.crossOriginIsolated && typeof SharedArrayBuffer === "function"
        ? new Int32Array(new SharedArrayBuffer(4))
        : null;
    worker.onerror = (event) => {
      event.preventDefault();
      control.postMessage({ type: "workerError", id, message: String(event.message || "the worker did not start") });
    };
    workers.set(id, { worker, interrupts, url });
    worker.postMessage({ type: "connect", port, files, interruptBuffer: interrupts }, [port, ...Object.values(files)]);
  }

  function connect(event) {
    if (event.source !== page || !event.ports || !event.ports[0]) return;
    window.removeEventListener("message", connect);
    const control = event.ports[0];
    control.onmessage = ({ data }) => {
      const entry = workers.get(data && data.id);
      if (data && data.type === "start" && !entry) {
        start(control, data);
      } else if (data && data.type === "interrupt" && entry && entry.interrupts) {
        Atomics.store(entry.interrupts, 0, 2); // SIGINT
      } else if (data && data.type === "terminate" && entry) {
        entry.worker.terminate();
        URL.revokeObjectURL(entry.url);
        workers.delete(data.id);
      }
    };
    control.postMessage({
      type: "hello",
      canInterrupt: Boolean(self.crossOriginIsolated && typeof SharedArrayBuffer === "function"),
    });
  }
  window.addEventListener("message", connect);
})();
