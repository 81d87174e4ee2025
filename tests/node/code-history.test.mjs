// The user's own code survives share links, restores and reloads (web/code-history.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCodeKeeper, HISTORY_LIMIT } from "../../web/code-history.js";

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)) };
}

/** An editor whose every change reaches the keeper, as the page's does. */
function page(storage) {
  const keeper = createCodeKeeper(storage, { sample: "sample\n" });
  let text = keeper.current();
  const set = (code) => {
    text = code;
    keeper.edited(code);
  };
  return {
    keeper,
    text: () => text,
    type: set,
    openLink: (code) => {
      const hadOwn = keeper.openShared(code, text);
      set(code);
      return hadOwn;
    },
    restore: () => set(keeper.reopen(keeper.own(), text)),
  };
}

test("share link A, then share link B, then Restore gives back the user's own code", () => {
  const storage = memoryStorage();
  const p = page(storage);
  p.type("mine = 1\n");
  assert.equal(p.openLink("a = 'A'\n"), true);
  assert.equal(p.openLink("b = 'B'\n"), true);
  p.restore();
  assert.equal(p.text(), "mine = 1\n");
  assert.equal(page(storage).text(), "mine = 1\n", "and after a reload");
});

test("a reload while a shared program is shown opens the user's own code", () => {
  const storage = memoryStorage();
  const p = page(storage);
  p.type("mine = 2\n");
  p.openLink("shared = 1\n");
  assert.equal(page(storage).text(), "mine = 2\n");
});

test("an edited shared program becomes the user's own, and the code it replaced is in the history", () => {
  const storage = memoryStorage();
  const p = page(storage);
  p.type("first\n");
  p.openLink("shared\n");
  p.type("shared, edited\n");
  p.openLink("another\n");
  assert.deepEqual(
    p.keeper.history().map((e) => e.code),
    ["shared, edited\n", "first\n"],
  );
  p.restore();
  assert.equal(p.text(), "shared, edited\n");
});

test("the history keeps the newest versions, once each, and survives garbage in storage", () => {
  const storage = memoryStorage();
  const p = page(storage);
  for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
    p.type(`v${i}\n`);
    p.openLink("shared\n");
  }
  const codes = p.keeper.history().map((e) => e.code);
  assert.equal(codes.length, HISTORY_LIMIT);
  assert.equal(codes[0], `v${HISTORY_LIMIT + 4}\n`);
  assert.equal(new Set(codes).size, codes.length);
  storage.setItem("bytewise.history", "{not json");
  assert.deepEqual(p.keeper.history(), []);
  storage.setItem("bytewise.history", JSON.stringify([{ code: 1 }, null, { code: "ok\n", at: 5 }]));
  assert.deepEqual(p.keeper.history(), [{ code: "ok\n", at: 5 }]);
});

test("storage that refuses every call leaves the page working with the sample", () => {
  const refusing = {
    getItem: () => {
      throw new Error("denied");
    },
    setItem: () => {
      throw new Error("denied");
    },
  };
  const p = page(refusing);
  assert.equal(p.text(), "sample\n");
  p.type("x\n");
  assert.equal(p.openLink("y\n"), false);
  assert.deepEqual(p.keeper.history(), []);
});
