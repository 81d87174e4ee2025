// "Allocated" bytes in the report (core/include/bytewise/allocation.hpp) against the heap
// itself: the X-ray reads each block's dlmalloc chunk header in the same Pyodide, so the
// model's split into blocks, its requested sizes and its rounding are checked on live
// objects, not only on the fixtures.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { openInProcess } from "./pyodide-session.mjs";

let bytewise;
before(async () => {
  bytewise = await openInProcess();
});

const PROGRAM = `
import array
f = 1.5
c = 1 + 2j
big = 10**40
neg = -(2**70)
s = "hello world, this is text"
latin = "caf\\xe9 cr\\xe8me"
u = "\\u65e5\\u672c\\u8a9e"
emoji = "\\U0001f600 ok"
lst = [1.5, 'two', None, 4]
grown = []
for i in range(50):
    grown.append(i)
empty_list = []
d = {"a": 1, "b": 2, "c": 3}
ints = {i: i for i in range(30)}
e = {}
st = set(range(20))
t = (1, 2, 3)
bs = b"0123456789"
ba = bytearray(b"abc")
arr = array.array("d", [1.0, 2.0])
n = None
small = 7
empty = ""
one = "x"
ident = "append"
word = "hello"
class P:
    __slots__ = ("a", "b")
p = P()
def fn(a, b=2):
    return a + b
r = range(10)
`;

describe("allocated bytes agree with the chunks on the heap", () => {
  test("every modelled block of every variable", async () => {
    const report = await bytewise.measure(PROGRAM, {});
    assert.equal(report.ok, true);
    let checked = 0;
    for (const root of report.roots) {
      const mine = root.allocated;
      assert.ok(mine, `${root.name} has allocated sizes`);
      assert.equal(mine.platform, "cpython-3.14-wasm32");
      assert.equal(mine.allocator, "dlmalloc (Emscripten)");
      if (mine.status === "not modelled") continue;
      const heap = await bytewise.xray(PROGRAM, root.name);
      assert.equal(heap.ok, true, root.name);
      if (mine.static) {
        assert.deepEqual(mine.blocks, [], root.name);
        assert.equal(mine.shallow, 0, root.name);
        assert.equal(heap.blocks[0].allocated, 0, `${root.name} is not a heap block`);
        assert.match(heap.blocks[0].allocation, /statically allocated/, root.name);
        ++checked;
        continue;
      }
      assert.equal(
        mine.shallow,
        mine.blocks.reduce((sum, b) => sum + b.reserved, 0),
        root.name,
      );
      mine.blocks.forEach((block, i) => {
        const seen = heap.blocks[i];
        if (!seen || (i > 0 && !/item array|dict keys$/.test(seen.name))) return; // the X-ray does not decode it
        // A chunk reused from a free list may be 8 bytes larger than a fresh one.
        assert.ok(
          seen.allocated === block.reserved || seen.allocated === block.reserved + 8,
          `${root.name} ${block.role}: heap chunk ${seen.allocated}, model ${block.reserved}`,
        );
        if (seen.requested > 0) assert.equal(seen.requested, block.requested, `${root.name} ${block.role} requested`);
        ++checked;
      });
    }
    assert.ok(checked >= 25, `only ${checked} blocks checked`);
  });

  test("the capture tells static objects from heap ones, so no string needs an assumption", async () => {
    const report = await bytewise.measure(PROGRAM, {});
    const root = (name) => report.roots.find((r) => r.name === name).allocated;
    // "append" is one of the interpreter's own static names; "hello" is the program's.
    assert.equal(root("ident").static, true);
    assert.equal(root("ident").status, "exact");
    assert.equal(root("word").static, false);
    assert.equal(root("word").status, "exact");
    for (const name of ["n", "small", "empty", "one"]) assert.equal(root(name).static, true, name);
    // On 64-bit 3.8 nothing but the true singletons is static.
    const old = await bytewise.measure(PROGRAM, { comparePlatform: "cpython-3.8-64" });
    const there = (name) => old.roots.find((r) => r.name === name).predicted.allocated;
    assert.equal(there("ident").static, false);
    assert.equal(there("small").static, false);
    assert.equal(there("n").static, true);
  });

  test("the report sums them per variable and names both platforms", async () => {
    const report = await bytewise.measure("x = [1.5, 2.5]\ny = {'k': x}", {});
    const x = report.roots.find((r) => r.name === "x");
    // wasm32: list 28 -> 32, 2 slots 8 -> 16, each float 16 -> 24.
    assert.equal(x.allocated.shallow, 32 + 16);
    assert.equal(x.allocated.deep, 32 + 16 + 2 * 24);
    assert.equal(x.allocated.status, "exact");
    // 64-bit CPython 3.12: list 56 -> 64, 2 slots 16 -> 16, floats 24 -> 32 (pymalloc).
    assert.equal(x.predicted.allocated.platform, "cpython-3.12-64");
    assert.equal(x.predicted.allocated.allocator, "pymalloc + glibc malloc");
    assert.equal(x.predicted.allocated.deep, 64 + 16 + 2 * 32);
    assert.equal(report.total.allocated_deep !== null, true);
    assert.ok(report.total.allocated_deep >= x.allocated.deep);
  });

  test("allocated: false leaves them out", async () => {
    const report = await bytewise.measure("x = [1]", { allocated: false });
    assert.equal(report.roots[0].allocated, null);
    assert.equal(report.roots[0].predicted.allocated, null);
    assert.equal(report.total.allocated_deep, null);
  });
});
