// Share links: a program (and the page options it ran with) carried in the URL's fragment,
// so the link works on any copy of the static site and never reaches a server.
//
//   #share=1.<base64url of the deflate-compressed JSON payload>
//
// Payload: { code: string, compare?: string | null, tracemalloc?: boolean, timeLimit?: number,
//            lesson?: string }. A link comes from strangers: decodeShare checks every byte
// and field and returns a message that names what is wrong and what to do, never throws.
//
//   const link = await encodeShare({ code: "x = [1, 2, 3]" });   // "#share=1.…"
//   const result = await decodeShare(location.hash);  // { ok: true, payload } | { ok: false, error }

export const SHARE_PREFIX = "#share=";
const VERSION = "1";
/** The longest fragment accepted: long links break in mail and chat anyway. */
export const MAX_LINK_CHARS = 16_384;
/** The most code a link may carry, and the most its payload may inflate to. */
export const MAX_CODE_CHARS = 50_000;
const MAX_JSON_BYTES = 200_000;
const FIELDS = ["code", "compare", "tracemalloc", "timeLimit", "lesson", "step"];
/** The last step a link may open at (steps are counted from 0; the step cap goes to 1,000,000). */
export const MAX_STEP = 999_999;

const failed = (error) => ({ ok: false, error });

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Packs bytes as a share link's fragment, unchecked: encodeShare packs a checked payload's
 * JSON with it, and tests pack arbitrary bytes to see what decodeShare makes of them.
 * @param {Uint8Array} bytes
 * @returns {Promise<string>} "#share=1.…"
 */
export async function packLink(bytes) {
  const packed = await pipe(bytes, new CompressionStream("deflate-raw"), Infinity);
  return `${SHARE_PREFIX}${VERSION}.${toBase64Url(packed)}`;
}

/** Checks a payload's fields; returns an error message or null. */
export function checkPayload(payload) {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return "its contents are not a program with options";
  }
  const unknown = Object.keys(payload).filter((k) => !FIELDS.includes(k));
  if (unknown.length) return `it has fields Bytewise does not know (${unknown.slice(0, 3).join(", ")})`;
  if (typeof payload.code !== "string") return "it carries no program (the code field is missing)";
  if (payload.code.length > MAX_CODE_CHARS) {
    return `its program is ${payload.code.length.toLocaleString("en")} characters long; a link may carry ${MAX_CODE_CHARS.toLocaleString("en")}`;
  }
  if (
    payload.compare !== undefined &&
    payload.compare !== null &&
    (typeof payload.compare !== "string" || !/^cpython-3\.\d{1,2}-(64|wasm32)$/.test(payload.compare))
  ) {
    return "its platform to compare with is not a platform name such as cpython-3.12-64";
  }
  if (payload.tracemalloc !== undefined && typeof payload.tracemalloc !== "boolean") {
    return "its memory-by-line option is not true or false";
  }
  if (
    payload.timeLimit !== undefined &&
    (!Number.isInteger(payload.timeLimit) || payload.timeLimit < 1 || payload.timeLimit > 600)
  ) {
    // 0 turns the limit off, which a link may not do to its reader.
    return "its time limit is not a whole number of seconds from 1 to 600";
  }
  if (
    payload.lesson !== undefined &&
    (typeof payload.lesson !== "string" || !/^[a-z0-9-]{1,80}$/.test(payload.lesson))
  ) {
    return "its lesson name is not a lesson's file name";
  }
  if (payload.step !== undefined && (!Number.isInteger(payload.step) || payload.step < 0 || payload.step > MAX_STEP)) {
    return `its step is not a whole number from 0 to ${MAX_STEP.toLocaleString("en")}`;
  }
  return null;
}

/**
 * @param {{ code: string, compare?: string | null, tracemalloc?: boolean, timeLimit?: number, lesson?: string,
 *           step?: number }} payload
 *   step: the link opens the program stepped through, at this step (0 is the first)
 * @returns {Promise<{ ok: true, link: string } | { ok: false, error: string }>}
 */
export async function encodeShare(payload) {
  const problem = checkPayload(payload);
  if (problem) return failed(`This program cannot be shared as a link: ${problem}.`);
  const link = await packLink(new TextEncoder().encode(JSON.stringify(payload)));
  if (link.length > MAX_LINK_CHARS) {
    return failed(
      `This program is too long for a link (${link.length.toLocaleString("en")} characters once packed; ` +
        `at most ${MAX_LINK_CHARS.toLocaleString("en")}). Share the file instead.`,
    );
  }
  return { ok: true, link };
}

/**
 * Reads a share link's fragment ("#share=1.…"). Never throws.
 * @param {string} fragment location.hash
 * @returns {Promise<{ ok: true, payload: object } | { ok: false, error: string } | null>}
 *   null when the fragment is not a share link at all
 */
export async function decodeShare(fragment) {
  if (typeof fragment !== "string" || !fragment.startsWith(SHARE_PREFIX)) return null;
  const why = (text) =>
    failed(
      `This share link cannot be opened: ${text}. Your own code is unchanged; ` +
        "ask for the link again, or paste the program into the editor.",
    );
  if (fragment.length > MAX_LINK_CHARS) {
    return why(
      `it is ${fragment.length.toLocaleString("en")} characters long, and a link may have ` +
        `${MAX_LINK_CHARS.toLocaleString("en")}`,
    );
  }
  const body = fragment.slice(SHARE_PREFIX.length);
  const dot = body.indexOf(".");
  if (dot === -1 || body.slice(0, dot) !== VERSION) {
    return why(`it is not in a format this version of Bytewise reads (expected "${SHARE_PREFIX}${VERSION}.…")`);
  }
  const data = body.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(data) || data.length % 4 === 1) {
    return why("it has been cut or changed (characters that a link never holds)");
  }
  let json;
  try {
    json = await pipe(fromBase64Url(data), new DecompressionStream("deflate-raw"), MAX_JSON_BYTES);
  } catch {
    return why("it has been cut or changed (its data does not unpack)");
  }
  if (json === null) return why("it unpacks to more than a program can be");
  let payload;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return why("it has been cut or changed (its contents are not readable)");
  }
  const problem = checkPayload(payload);
  if (problem) return why(problem);
  return { ok: true, payload };
}
