// The user's own code, kept across share links, restores, reloads and crashes. The editor's
// text is the user's own unless it is a shared program (or a lesson's) that they have not
// edited: such a text is never saved over theirs. Every version of their own code that a
// shared program replaces goes into a short history, newest first, so nothing they typed
// is lost whatever links they open.
//
//   const keeper = createCodeKeeper(localStorage, { sample });
//   editor.setCode(keeper.current());
//   editor.onChange = (text) => keeper.edited(text);
//   keeper.openShared(payload.code, editor.getCode());  // before showing a shared program
//   editor.setCode(keeper.own());                       // "Restore my code"

/** Versions kept in the history. */
export const HISTORY_LIMIT = 20;
/** Characters kept per version (longer texts are not kept whole: share links cap code at 50,000). */
export const HISTORY_CODE_LIMIT = 200_000;

const CODE_KEY = "bytewise.code";
const HISTORY_KEY = "bytewise.history";

/**
 * @param {{ getItem(key: string): string | null, setItem(key: string, value: string): void }} storage
 * @param {{ sample?: string, now?: () => number }} [options] sample: the code of a first visit
 */
export function createCodeKeeper(storage, { sample = "", now = Date.now } = {}) {
  const read = (key) => {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  };
  const write = (key, value) => {
    try {
      storage.setItem(key, value);
    } catch {
      // Storage can be full or disabled; the page keeps working without it.
    }
  };
  let shared = null; // the unedited shared program the editor shows, if any

  function history() {
    try {
      const list = JSON.parse(read(HISTORY_KEY) ?? "[]");
      return Array.isArray(list)
        ? list.filter((e) => e && typeof e.code === "string" && Number.isFinite(e.at)).slice(0, HISTORY_LIMIT)
        : [];
    } catch {
      return [];
    }
  }

  function remember(code) {
    if (typeof code !== "string" || code.trim() === "" || code.length > HISTORY_CODE_LIMIT) return;
    const list = history().filter((e) => e.code !== code);
    list.unshift({ code, at: now() });
    write(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_LIMIT)));
  }

  return {
    /** The user's own code: what they last typed (the sample on a first visit). */
    own() {
      return read(CODE_KEY) ?? sample;
    },

    /** What the editor opens with. */
    current() {
      return read(CODE_KEY) ?? sample;
    },

    /** The editor's text changed: it is the user's own unless it is the unedited shared program. */
    edited(text) {
      if (shared !== null && text === shared) return;
      shared = null;
      write(CODE_KEY, text);
    },

    /**
     * A shared program (or a lesson's code) is about to replace `editorText`: the user's
     * own code is put into the history. Returns true when the user had code of their own
     * to restore.
     */
    openShared(code, editorText) {
      const own = read(CODE_KEY);
      if (own !== null) remember(own);
      if (shared === null && editorText !== own) remember(editorText);
      shared = code;
      return own !== null && own !== code;
    },

    /** Earlier versions of the user's own code, newest first: [{ code, at }]. */
    history,

    /** Puts `code` (from the history) back as the user's own; the text it replaces is kept. */
    reopen(code, editorText) {
      if (shared === null) remember(editorText);
      shared = null;
      write(CODE_KEY, code);
      remember(code);
      return code;
    },
  };
}
