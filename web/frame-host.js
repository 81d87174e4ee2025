// The page's side of the sandbox frame (web/sandbox-frame.js): one hidden iframe with
// sandbox="allow-scripts" (an opaque origin) that starts the Python workers. User code
// runs only in those workers, so it can reach none of the app's storage (Cache Storage,
// IndexedDB, localStorage), its service worker or its files.
//
// The page fetches the worker's bundle and Pyodide's files itself (through the service
// worker, so this works offline) and hands copies to each worker: the workers fetch
// nothing. Each worker talks to the page over its own MessagePort, which its code keeps in
// a closure; what a program posts to the worker's global scope goes nowhere.
//
//   const host = createFrameHost({ script, workerUrl, baseUrl, files });
//   const worker = host.createWorker();  // Worker-like: postMessage, onmessage, onerror,
//                                       // terminate, and interrupt() for Stop
//   await host.canInterrupt;             // whether interrupt() can stop Python

/**
 * @param {{ script: string, workerUrl: string, baseUrl: string, files: string[],
 *           optionalFiles?: string[], container?: HTMLElement }} options
 *   script: the text of web/sandbox-frame.js; workerUrl: the built worker module;
 *   files: the worker's files (web/pyodide-files.js WORKER_FILES), paths fetched from
 *   baseUrl; the worker gets each by its name (the path's last part); optionalFiles: those
 *   of them it can do without (the heap walker's: the probe captures instead)
 */
export function createFrameHost({ script, workerUrl, baseUrl, files, optionalFiles = [], container = document.body }) {
  if (script.includes("</script")) throw new Error("the sandbox frame's script cannot hold </script");
  const frame = document.createElement("iframe");
  frame.sandbox = "allow-scripts";
  frame.allow = "cross-origin-isolated";
  frame.title = "Python sandbox";
  frame.hidden = true;
  frame.setAttribute("aria-hidden", "true");
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><title>Python sandbox</title><script>${script}</script>`;

  const workerErrors = new Map(); // id -> onerror of that worker
  let nextId = 1;
  let resolveHello;
  const hello = new Promise((resolve) => {
    resolveHello = resolve;
  });
  const control = new MessageChannel();
  control.port1.onmessage = ({ data }) => {
    if (data?.type === "hello") resolveHello(data);
    else if (data?.type === "workerError") workerErrors.get(data.id)?.(data.message);
  };
  frame.addEventListener(
    "load",
    () => frame.contentWindow.postMessage({ type: "bytewise-connect" }, "*", [control.port2]),
    { once: true },
  );
  container.append(frame);

  // The worker's module and Pyodide's files, fetched once; each worker gets copies.
  const assets = (async () => {
    const get = async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response;
    };
    const fetchFile = (file) => get(new URL(file, baseUrl).href).then((r) => r.arrayBuffer());
    const [source, ...buffers] = await Promise.all([
      get(workerUrl).then((r) => r.text()),
      // An optional file that does not load is left out: the worker copes without it.
      ...files.map((file) => (optionalFiles.includes(file) ? fetchFile(file).catch(() => null) : fetchFile(file))),
    ]);
    const name = (file) => file.slice(file.lastIndexOf("/") + 1);
    const loaded = files.map((file, i) => [name(file), buffers[i]]).filter(([, bytes]) => bytes !== null);
    return { source, files: Object.fromEntries(loaded) };
  })();
  assets.catch(() => {});

  return {
    /** Resolves with whether Stop can interrupt Python (the frame is cross-origin isolated). */
    canInterrupt: hello.then((h) => h.canInterrupt),

    /** A Worker-like object whose Python runs in the frame. */
    createWorker() {
      const id = nextId++;
      const channel = new MessageChannel();
      const worker = {
        onmessage: null,
        onerror: null,
        terminated: false,
        postMessage: (message, transfer) => channel.port1.postMessage(message, transfer),
        interrupt: () => control.port1.postMessage({ type: "interrupt", id }),
        terminate() {
          worker.terminated = true;
          workerErrors.delete(id);
          channel.port1.close();
          control.port1.postMessage({ type: "terminate", id });
        },
      };
      channel.port1.onmessage = (event) => worker.onmessage?.(event);
      workerErrors.set(id, (message) => worker.onerror?.({ message }));
      Promise.all([assets, hello]).then(
        ([{ source, files: buffers }]) => {
          if (worker.terminated) return;
          const copies = Object.fromEntries(Object.entries(buffers).map(([name, b]) => [name, b.slice(0)]));
          control.port1.postMessage({ type: "start", id, source, files: copies, port: channel.port2 }, [
            channel.port2,
            ...Object.values(copies),
          ]);
        },
        (err) => worker.onerror?.({ message: `Python's files could not be loaded: ${err.message}` }),
      );
      return worker;
    },
  };
}
