// The golden corpus (tests/corpus): every program's public report equals the one
// committed beside it, after the normalisation that tests/corpus/corpus.mjs describes.
// A report that differs fails with the first field that moved.
import assert from "node:assert/strict";
import fs from "node:fs";
import { before, describe, test } from "node:test";
import { openBytewise } from "../../web/node-api.js";
import { goldenPath, loadCorpus, normalise } from "../corpus/corpus.mjs";

let bytewise;
before(async () => {
  bytewise = await openBytewise();
});

describe("golden reports of the corpus", () => {
  for (const { name, code, options } of loadCorpus()) {
    test(name, async () => {
      const golden = JSON.parse(fs.readFileSync(goldenPath(name), "utf8"));
      assert.deepEqual(normalise(await bytewise.measure(code, options)), golden);
    });
  }
});
