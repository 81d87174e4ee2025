// The small-int explorer's data (measurer.smallInts) against Python in the same
// interpreter: which values come back as the same object, and where those objects sit.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { openInProcess } from "./pyodide-session.mjs";

let bytewise;
before(async () => {
  bytewise = await openInProcess();
});

describe("small-int explorer data", () => {
  test("-10..300: the cached range repeats its ids, the rest do not", async () => {
    const data = await bytewise.smallInts();
    assert.equal(data.values.length, 311);
    assert.deepEqual(
      data.values.map((v) => v.value),
      Array.from({ length: 311 }, (_, i) => i - 10),
    );
    assert.deepEqual(data.cached_range, [-5, 256], "probed live, as CPython 3.14 caches");
    for (const v of data.values) {
      assert.equal(v.cached, v.value >= -5 && v.value <= 256, `${v.value}`);
      assert.equal(v.cached, v.id === v.id_again, `${v.value}`);
    }
    // Python agrees: the cached objects are the ones `is` finds identical.
    const py = bytewise.pyodide.runPython("[id(int(str(n))) for n in range(-5, 257)]").toJs();
    const cached = data.values.filter((v) => v.cached).map((v) => v.id);
    assert.deepEqual(cached, py);
    // One static array: each cached int sits one PyLongObject (16 bytes on wasm32) after
    // the previous one, and no two values share an id.
    assert.equal(data.stride, 16);
    for (let i = 1; i < cached.length; ++i) assert.equal(cached[i] - cached[i - 1], 16);
    assert.equal(new Set(data.values.map((v) => v.id)).size, 311);
    assert.match(data.platform.description, /32-bit wasm/);
  });

  test("a range outside the cache has no repeats and no stride", async () => {
    const data = await bytewise.smallInts({ low: 1000, high: 1005 });
    assert.equal(data.values.length, 6);
    assert.ok(data.values.every((v) => !v.cached));
    assert.equal(data.stride, null);
  });

  test("bad ranges are refused with the fix", async () => {
    for (const bad of [{ low: 5, high: 1 }, { low: 0, high: 20_000 }, { low: 1.5 }, { high: "300" }]) {
      await assert.rejects(() => bytewise.smallInts(bad), /low and high must be whole numbers/);
    }
  });
});
