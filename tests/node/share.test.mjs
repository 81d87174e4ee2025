// Share links (web/share.js): what a link carries comes back exactly, and every way a link
// can be wrong (too long, cut, changed, hostile) gets a message naming the problem and the fix.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeShare, encodeShare, MAX_CODE_CHARS, MAX_LINK_CHARS, packLink, SHARE_PREFIX } from "../../web/share.js";

const pack = (text) => packLink(new TextEncoder().encode(text));

describe("share links", () => {
  test("a program and its options come back exactly", async () => {
    const payload = {
      code: "x = [1, 2, 3]\nprint('héllo ✓')\n",
      compare: "cpython-3.11-64",
      tracemalloc: true,
      timeLimit: 5,
    };
    const encoded = await encodeShare(payload);
    assert.equal(encoded.ok, true);
    assert.match(encoded.link, /^#share=1\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(await decodeShare(encoded.link), { ok: true, payload });
  });

  test("a fragment that is not a share link is left alone", async () => {
    assert.equal(await decodeShare(""), null);
    assert.equal(await decodeShare("#section-2"), null);
  });

  test("a 1 MB link is refused before anything is unpacked", async () => {
    const result = await decodeShare(`${SHARE_PREFIX}1.${"A".repeat(1_048_576)}`);
    assert.equal(result.ok, false);
    assert.equal(
      result.error,
      `This share link cannot be opened: it is 1,048,585 characters long, and a link may have ${MAX_LINK_CHARS.toLocaleString("en")}. ` +
        "Your own code is unchanged; ask for the link again, or paste the program into the editor.",
    );
  });

  test("a small link that unpacks to megabytes (a zip bomb) is refused", async () => {
    const link = await pack(JSON.stringify({ code: "#".repeat(5_000_000) }));
    assert.ok(link.length < MAX_LINK_CHARS, String(link.length));
    const result = await decodeShare(link);
    assert.match(result.error, /it unpacks to more than a program can be/);
  });

  for (const [name, fragment, message] of [
    [
      "an unknown version",
      `${SHARE_PREFIX}9.abc`,
      /not in a format this version of Bytewise reads \(expected "#share=1\.…"\)/,
    ],
    ["no version", `${SHARE_PREFIX}abc`, /not in a format this version/],
    [
      "characters a link never holds",
      `${SHARE_PREFIX}1.ab<script>`,
      /cut or changed \(characters that a link never holds\)/,
    ],
    ["data that does not unpack", `${SHARE_PREFIX}1.AAAAAAAA`, /cut or changed \(its data does not unpack\)/],
  ]) {
    test(`${name} is refused with a clear message`, async () => {
      const result = await decodeShare(fragment);
      assert.equal(result.ok, false);
      assert.match(result.error, message);
      assert.match(result.error, /Your own code is unchanged/);
    });
  }

  for (const [name, json, message] of [
    ["text that is not JSON", "not json", /its contents are not readable/],
    ["a list instead of an object", "[1, 2]", /its contents are not a program with options/],
    ["no code", '{"compare": null}', /it carries no program/],
    ["unknown fields", '{"code": "", "evil": 1}', /fields Bytewise does not know \(evil\)/],
    ["a bad platform", '{"code": "", "compare": "<b>"}', /not a platform name such as cpython-3\.12-64/],
    ["a bad time limit", '{"code": "", "timeLimit": 1e9}', /time limit is not a whole number of seconds from 1 to 600/],
    [
      "a time limit that turns the limit off",
      '{"code": "", "timeLimit": 0}',
      /time limit is not a whole number of seconds from 1 to 600/,
    ],
    [
      "a negative time limit",
      '{"code": "", "timeLimit": -5}',
      /time limit is not a whole number of seconds from 1 to 600/,
    ],
    ["a bad lesson name", '{"code": "", "lesson": "../../etc"}', /lesson name is not a lesson's file name/],
    [
      "too much code",
      JSON.stringify({ code: "x".repeat(MAX_CODE_CHARS + 1) }),
      /its program is 50,001 characters long; a link may carry 50,000/,
    ],
  ]) {
    test(`a payload with ${name} is refused`, async () => {
      const result = await decodeShare(await pack(json));
      assert.equal(result.ok, false);
      assert.match(result.error, message);
    });
  }

  test("a program too long for a link says so when shared", async () => {
    let seed = 2463534242;
    const next = () => {
      // xorshift32: text that does not compress
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const random = Array.from({ length: 40_000 }, () => String.fromCharCode(33 + (next() % 90))).join("");
    const result = await encodeShare({ code: random });
    assert.equal(result.ok, false);
    assert.match(
      result.error,
      /too long for a link \([\d,]+ characters once packed; at most 16,384\)\. Share the file instead\./,
    );
  });
});
