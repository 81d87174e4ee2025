// The X-ray (core/include/bytewise/xray.hpp, web/xray.js) against Python's own view of
// the same objects in the same interpreter: lengths, ids of items, int values, string
// text (as repr() writes it, escapes included), refcounts, and the allocator's chunk
// sizes; and the memory reads the page's worker serves the decoder with.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { openInProcess } from "./pyodide-session.mjs";
import { MAX_REQUEST_BYTES, readRanges, xrayObject } from "../../web/xray.js";

let bytewise;
before(async () => {
  bytewise = await openInProcess();
});

/** X-rays `expression` after running `code`; returns the result, its fields by name, and
 * py(expr), which evaluates in that run's namespace. */
async function xray(code, expression) {
  const result = await bytewise.xray(code, expression);
  assert.equal(result.ok, true, JSON.stringify(result.errors));
  assert.equal(result.complete, true);
  assert.deepEqual(result.problems, []);
  const py = (expr) => {
    bytewise.pyodide.globals.set(
      "__ns",
      bytewise.pyodide.runPython('__import__("_bytewise.runner").runner._previous[-1]'),
    );
    return bytewise.pyodide.runPython(`eval(${JSON.stringify(expr)}, __ns)`);
  };
  const fields = {};
  for (const block of result.blocks) for (const f of block.fields) fields[f.name] = f;
  return { result, fields, py };
}

// dlmalloc on wasm32: a request of n bytes takes at least max(16, round_up(n + 4, 8)).
const chunkFor = (n) => Math.max(16, Math.ceil((n + 4) / 8) * 8);

describe("the X-ray decodes what Python sees", () => {
  test("a list: its size fields, item pointers, spare slots and two heap blocks", async () => {
    const { result, fields, py } = await xray("x = [1.5, 'two', None]\nx.append(4)\nx.append(5)", "x");
    assert.equal(Number(fields.ob_size.value), py("len(x)"));
    assert.equal(Number(fields.allocated.value), (py("__import__('sys').getsizeof(x)") - 28) / 4);
    const ids = py("[id(v) for v in x]").toJs();
    for (let i = 0; i < ids.length; ++i) assert.equal(fields[`ob_item[${i}]`].pointsTo, ids[i], `item ${i}`);
    assert.equal(fields[`ob_item[${ids.length}]`].value, "(spare)");
    assert.equal(Number(fields.ob_refcnt.value), py("__import__('sys').getrefcount(x)") - 1);
    const [object, items] = result.blocks;
    assert.equal(object.name, "list object");
    assert.equal(object.requested, 28, "GC header 8 + PyListObject 20");
    assert.ok(object.allocated >= chunkFor(28));
    assert.equal(items.name, "item array");
    assert.equal(items.requested, 4 * Number(fields.allocated.value));
    assert.ok(items.allocated >= chunkFor(items.requested));
  });

  test("ints: digits and value, zero, negative, big and cached", async () => {
    for (const value of ["0", "-7", "2**30", "-(2**64) + 3", "10**40", "2**100", "255"]) {
      const { fields, py } = await xray(`n = ${value}`, "n");
      assert.match(fields.lv_tag.note, new RegExp(`value ${py("str(n)")}$`), value);
    }
    const { result, fields } = await xray("n = 200", "n");
    assert.match(fields.ob_refcnt.note, /immortal, static/);
    assert.match(result.blocks[0].allocation, /statically allocated/);
  });

  test("strings of every kind: length, state and text", async () => {
    for (const [code, kind] of [
      ["'hello world'", 1],
      ["'caf\\xe9'", 1],
      ["'\\u65e5\\u672c\\u8a9e'", 2],
      ["'ok \\U0001f600'", 4],
    ]) {
      const { fields, py } = await xray(`s = ${code} + ''.join(['x'])`, "s");
      assert.equal(Number(fields.length.value), py("len(s)"));
      assert.match(fields.state.note, new RegExp(`kind ${kind}`));
      assert.equal(fields.data.value, `'${py("s")}'`);
    }
  });

  test("a tuple caches its hash in 3.14", async () => {
    const { fields, py } = await xray("t = (1, 'a', 2.5)\nh = hash(t)", "t");
    assert.equal(Number(fields.ob_size.value), 3);
    const ids = py("[id(v) for v in t]").toJs();
    ids.forEach((id, i) => assert.equal(fields[`ob_item[${i}]`].pointsTo, id));
    assert.equal(Number.parseInt(fields.ob_hash.value, 16), py("h & 0xFFFFFFFF"));
  });

  test("a dict: its table, and every key and value pointer", async () => {
    const { result, fields, py } = await xray("d = {'a': 1.5, 'b': [2], 'c': None}", "d");
    assert.equal(Number(fields.ma_used.value), py("len(d)"));
    const keys = py("[id(k) for k in d]").toJs();
    const values = py("[id(v) for v in d.values()]").toJs();
    keys.forEach((id, i) => assert.equal(fields[`entry[${i}].key`].pointsTo, id));
    values.forEach((id, i) => assert.equal(fields[`entry[${i}].value`].pointsTo, id));
    const table = result.blocks.find((b) => b.name === "dict keys");
    assert.equal(table.requested + 40, py("__import__('sys').getsizeof(d)"), "getsizeof = object + table");
  });

  test("floats and bytes", async () => {
    const f = await xray("f = 3.25 * 2", "f");
    assert.equal(Number(f.fields.ob_fval.value), f.py("f"));
    const b = await xray("b = bytes(range(65, 70))", "b");
    assert.equal(b.fields.ob_sval.value, "b'ABCDE'");
    assert.equal(Number(b.fields.ob_size.value), 5);
  });

  test("bytes that are not UTF-8 come out as Python's repr writes them", async () => {
    for (const code of ["b'\\xff\\xfe\\x00A'", "bytes(range(256))[100:160]", `b"it's"`, "b'\\x80' * 200"]) {
      const { fields, py } = await xray(`b = ${code}`, "b");
      const shown = py("len(b)") > 120 ? `${py("repr(b[:120])")}...` : py("repr(b)");
      assert.equal(fields.ob_sval.value, shown, code);
      assert.ok(!fields.ob_sval.value.includes("\uFFFD"), code);
    }
  });

  test("a long str is cut between characters, and a lone surrogate is escaped", async () => {
    for (const [code, kind] of [
      ["'\\xe9' * 300", 1],
      ["'\\u65e5' * 300", 2],
      ["'\\U0001f600' * 300", 4],
    ]) {
      const { fields, py } = await xray(`s = ${code}`, "s");
      assert.match(fields.state.note, new RegExp(`kind ${kind}`));
      assert.equal(fields.data.value, `'${py("s[:120]")}'...`, code);
      assert.ok(!fields.data.value.includes("\uFFFD"), code);
    }
    const { fields, py } = await xray("s = '\\ud800' + ''.join(['x'])", "s");
    assert.equal(fields.data.value, py("repr(s)"));
    assert.equal(fields.data.value, "'\\ud800x'");
  });

  test("an instance's inline attribute values, which getsizeof leaves out", async () => {
    const { result, fields, py } = await xray(
      "class P:\n    def __init__(self):\n        self.a = [1]\n        self.b = 'x'\np = P()",
      "p",
    );
    assert.equal(Number(fields["values.size"].value), 2);
    assert.equal(fields["values[0]"].pointsTo, py("id(p.a)"));
    assert.equal(fields["values[1]"].pointsTo, py("id(p.b)"));
    assert.ok(result.blocks[0].allocated > py("__import__('sys').getsizeof(p)"), "the block holds the values too");
  });
});

describe("the X-ray refuses what it cannot decode", () => {
  test("memory that no longer holds the captured object", async () => {
    const result = await bytewise.xray("x = [1]\nf = 2.5", "x");
    const subject = {
      address: bytewise.pyodide.runPython('id(__import__("_bytewise.runner").runner._previous[-1]["f"])'),
      typeName: "list",
      shape: 9,
      getsizeof: 32,
      length: 1,
      flags: 0,
      platform: { implementation: "CPython", major: 3, minor: 14, micro: 2, pointerSize: 4 },
    };
    assert.equal(result.ok, true);
    const stale = await xrayObject(bytewise.core, subject, (ranges) => readRanges(bytewise.pyodide, ranges));
    assert.equal(stale.problems[0].code, "xray.stale");
    assert.match(stale.problems[0].message, /now holds a float, not the list that was captured/);
  });

  test("another platform's capture", async () => {
    const r = bytewise.core.xray(
      {
        address: 4096,
        typeName: "list",
        shape: 9,
        getsizeof: 56,
        length: 0,
        flags: 0,
        platform: { implementation: "CPython", major: 3, minor: 12, micro: 1, pointerSize: 8 },
      },
      [],
    );
    assert.equal(r.problems[0].code, "xray.platform");
    assert.match(r.problems[0].message, /decodes CPython 3\.14 on 32-bit wasm/);
  });

  test("an address outside Pyodide's memory", async () => {
    const r = await xrayObject(
      bytewise.core,
      {
        address: 2 ** 33,
        typeName: "list",
        shape: 9,
        getsizeof: 28,
        length: 0,
        flags: 0,
        platform: { implementation: "CPython", major: 3, minor: 14, micro: 2, pointerSize: 4 },
      },
      (ranges) => readRanges(bytewise.pyodide, ranges),
    );
    assert.equal(r.problems[0].code, "xray.address");
  });
});

describe("the memory the page's worker serves the decoder", () => {
  test("is clipped to the heap, where the decoder sees memory end", async () => {
    const pyodide = bytewise.pyodide;
    const heap = pyodide._module.HEAPU8.length;
    const [inside, edge, past] = readRanges(pyodide, [
      { address: 1024, length: 16 },
      { address: heap - 4, length: 16 },
      { address: heap + 100, length: 8 },
    ]);
    assert.deepEqual([...inside.bytes], [...pyodide._module.HEAPU8.slice(1024, 1040)]);
    assert.equal(edge.address, heap - 4);
    assert.equal(edge.bytes.length, 4);
    assert.equal(past.address, heap + 100);
    assert.equal(past.bytes.length, 0);
  });

  test("copies at most MAX_REQUEST_BYTES a request, leaving the later ranges out", async () => {
    const ranges = Array.from({ length: 40 }, (_, i) => ({ address: 4096 * (i + 1), length: 4096 }));
    const answered = readRanges(bytewise.pyodide, ranges);
    assert.equal(answered.length, MAX_REQUEST_BYTES / 4096);
    assert.deepEqual(
      answered.map((r) => r.address),
      ranges.slice(0, answered.length).map((r) => r.address),
    );
  });

  test("refuses requests that are not a list of whole-number ranges", async () => {
    const read = (ranges) => () => readRanges(bytewise.pyodide, ranges);
    assert.throws(read("1024"), /at most 64 ranges/);
    assert.throws(read(Array(65).fill({ address: 0, length: 1 })), /at most 64 ranges/);
    assert.throws(read([{ address: -1, length: 4 }]), /Memory range 0 is not/);
    assert.throws(
      read([
        { address: 0, length: 4 },
        { address: 2 ** 32, length: 4 },
      ]),
      /Memory range 1 is not/,
    );
    assert.throws(read([{ address: 1.5, length: 4 }]), /Memory range 0 is not/);
    assert.throws(read([null]), /Memory range 0 is not/);
  });
});
