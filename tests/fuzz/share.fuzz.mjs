// Fuzzes the share-link decoder (web/share.js) with fast-check: random fragments, random
// bytes behind a valid prefix, random JSON values packed the way links are, and single-
// character corruptions of valid links. The decoder must never throw, must answer null or
// { ok, ... } with a message that says the user's code is unchanged, and must give back
// exactly what a valid link carries.
//
//   node tests/fuzz/share.fuzz.mjs [runs]     (the fuzz layer of npm test runs it)
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkPayload, decodeShare, encodeShare, packLink, SHARE_PREFIX } from "../../web/share.js";

const RUNS = Number(process.argv[2] ?? 2000);

function assertWellFormed(result) {
  if (result === null) return;
  assert.equal(typeof result.ok, "boolean");
  if (result.ok) {
    assert.equal(checkPayload(result.payload), null);
  } else {
    assert.match(
      result.error,
      /^This share link cannot be opened: .+\. Your own code is unchanged; ask for the link again, or paste the program into the editor\.$/s,
    );
  }
}

const payloadArb = fc.record(
  {
    code: fc.string({ maxLength: 2000, unit: "grapheme" }),
    compare: fc.option(fc.constantFrom("cpython-3.12-64", "cpython-3.14-wasm32"), { nil: undefined }),
    tracemalloc: fc.option(fc.boolean(), { nil: undefined }),
    timeLimit: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  },
  { requiredKeys: ["code"] },
);

const properties = [
  [
    "any fragment",
    fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => assertWellFormed(await decodeShare(s))),
    RUNS,
  ],
  [
    "any fragment after the prefix",
    fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) =>
      assertWellFormed(await decodeShare(`${SHARE_PREFIX}1.${s}`)),
    ),
    RUNS,
  ],
  [
    "any bytes, packed",
    fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (b) =>
      assertWellFormed(await decodeShare(await packLink(b))),
    ),
    RUNS,
  ],
  [
    "any JSON value, packed",
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) =>
      assertWellFormed(await decodeShare(await packLink(new TextEncoder().encode(JSON.stringify(v))))),
    ),
    RUNS,
  ],
  [
    "valid links round-trip",
    fc.asyncProperty(payloadArb, async (p) => {
      const clean = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      const encoded = await encodeShare(clean);
      if (!encoded.ok) return; // too long for a link: said so, tested elsewhere
      assert.deepEqual(await decodeShare(encoded.link), { ok: true, payload: clean });
    }),
    Math.max(1, RUNS / 4),
  ],
  [
    "one character of a valid link changed",
    fc.asyncProperty(payloadArb, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), async (p, at, c) => {
      const clean = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      const encoded = await encodeShare(clean);
      if (!encoded.ok) return;
      const i = at % encoded.link.length;
      assertWellFormed(await decodeShare(encoded.link.slice(0, i) + c + encoded.link.slice(i + 1)));
    }),
    Math.max(1, RUNS / 4),
  ],
];

const started = performance.now();
for (const [name, property, runs] of properties) {
  await fc.assert(property, { numRuns: runs });
  process.stdout.write(`share-link fuzz: ${name}: ${runs} inputs, no failure\n`);
}
process.stdout.write(`share-link fuzz: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
