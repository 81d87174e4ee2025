// The core's heap walker (core/include/bytewise/heap_walk.hpp, web/native-capture.js)
// against the Python probe, its oracle: every program of the node corpus is captured both
// ways in one interpreter, and the walker's snapshot must match the probe's node for node
// (address, type, size, length, shape, flags, label, refcount) and edge for edge (target,
// kind, label), wherever the walker decoded the object itself. What it handed back to the
// probe is listed per program and must stay what the table below expects, so that a
// hand-back cannot grow unseen.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { openInProcess } from "./pyodide-session.mjs";
import { loadCorpus } from "../corpus/corpus.mjs";
import { createNativeCapture } from "../../web/native-capture.js";

let bytewise;
let native;
/** The corpus programs the walker captured whole, found by the first suite. */
const handedBackNothing = new Set();
before(async () => {
  bytewise = await openInProcess();
  native = createNativeCapture({ pyodide: bytewise.pyodide, core: bytewise.core });
});

/** The columns of a snapshot (docs/snapshot-format.md), as plain arrays. */
function parseSnapshot(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(12, true);
  const sections = {};
  for (let i = 0; i < count; ++i) {
    const at = 16 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    sections[tag] = { offset: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) };
  }
  const u32 = (tag) => {
    const s = sections[tag];
    return s ? Array.from({ length: s.size / 4 }, (_, i) => view.getUint32(s.offset + 4 * i, true)) : [];
  };
  const u64 = (tag) => {
    const s = sections[tag];
    return Array.from({ length: s.size / 8 }, (_, i) => view.getBigUint64(s.offset + 8 * i, true));
  };
  const strs = sections.STRS;
  const n = view.getUint32(strs.offset, true);
  const ends = Array.from({ length: n }, (_, i) => view.getUint32(strs.offset + 4 + 4 * i, true));
  const data = bytes.subarray(strs.offset + 4 + 4 * n, strs.offset + strs.size);
  const decoder = new TextDecoder();
  const strings = ends.map((end, i) => decoder.decode(data.subarray(i ? ends[i - 1] : 0, end)));
  const str = (i) => (i === 0xffffffff ? null : strings[i]);
  const kinds = sections.EKND;
  return {
    address: u64("NADR").map(Number),
    type: u32("NTYP").map(str),
    size: u64("NSIZ").map(Number),
    length: u64("NLEN").map(Number),
    shape: u64("NSHP").map(Number),
    refcount: u32("NREF"),
    flags: u32("NFLG"),
    label: u32("NLBL").map(str),
    offsets: u32("EOFF"),
    target: u32("ETGT"),
    kind: Array.from(bytes.subarray(kinds.offset, kinds.offset + kinds.size)),
    elabel: u32("ELBL"),
    roots: u32("ROOT"),
    str,
  };
}

const INDEX = 0;
const GLOBALS = 10;
const TRUNCATED = 1 << 4;
const PART = { size: 1, references: 2, label: 4, flags: 8 };

/** The probe's roots for the last run, as the runner chose them: [[name, id(value)]]. */
function rootsOfLastRun(expressions) {
  const py = bytewise.pyodide;
  py.globals.set("__bw_expressions", expressions ?? null);
  const roots = py.runPython(`
import _bytewise.runner as __r, _bytewise.probe as __p
__ns = __r._previous[-1]
if __bw_expressions:
    __roots = [(t, id(eval(t, __ns))) for t in __bw_expressions if t in __ns or "." in t]
else:
    __roots = [(k, id(v)) for k, v in __p.user_names(__ns).items()]
del __ns
__roots`);
  const out = roots.toJs();
  roots.destroy();
  py.runPython("del __roots, __bw_expressions");
  return out;
}

/** Compares the walker's snapshot with the probe's; returns what was handed back. */
function compare(name, probeBytes, walk, failed) {
  const p = parseSnapshot(probeBytes);
  const w = parseSnapshot(walk.snapshot);
  const parts = new Map(walk.handedBack.map((h) => [h.node, h.parts]));
  const probeIndex = new Map(p.address.map((a, i) => [a, i]));
  const edgesOf = (s, i) => {
    const out = [];
    for (let e = s.offsets[i]; e < s.offsets[i + 1]; ++e) {
      const label = s.kind[e] === INDEX ? s.elabel[e] : s.str(s.elabel[e]);
      out.push([s.address[s.target[e]], s.kind[e], label]);
    }
    return out;
  };
  // Everything is compared for the program's own objects: those reached from the roots
  // without passing through a function's globals or builtins. Those lead to the
  // interpreter's own objects (modules' dicts, the builtins), which change as Python runs
  // between the two captures; for them the walker must agree on the type. A failed
  // program's objects are also held by its error, which the runner keeps: their refcounts
  // are not compared.
  const own = new Set();
  const queue = [];
  for (let r = 1; r < w.roots.length; r += 2) queue.push(w.roots[r]);
  while (queue.length) {
    const n = queue.pop();
    if (own.has(n)) continue;
    own.add(n);
    for (let e = w.offsets[n]; e < w.offsets[n + 1]; ++e) if (w.kind[e] !== GLOBALS) queue.push(w.target[e]);
  }
  const rootNames = new Map();
  for (let r = 1; r < w.roots.length; r += 2) rootNames.set(w.roots[r], (rootNames.get(w.roots[r]) ?? 0) + 1);
  const anyReferencesHandedBack = walk.handedBack.some((h) => h.parts & PART.references);
  if (!anyReferencesHandedBack) {
    assert.deepEqual(w.address, p.address, `${name}: the same objects in the same order`);
    const roots = (s) => s.roots.map((v, i) => (i % 2 ? v : s.str(v)));
    assert.deepEqual(roots(w), roots(p), `${name}: the same roots`);
  }
  for (let i = 0; i < w.address.length; ++i) {
    const j = probeIndex.get(w.address[i]);
    const where = `${name}: node ${i} (${w.type[i]} at ${w.address[i]})`;
    if (!own.has(i) && j === undefined) continue; // the interpreter's objects change between the captures
    assert.notEqual(j, undefined, `${where} is not in the probe's snapshot`);
    const handed = parts.get(i) ?? 0;
    assert.equal(w.type[i], p.type[j], `${where}: type`);
    if (!own.has(i)) continue;
    if (!(handed & PART.size)) {
      assert.equal(w.size[i], p.size[j], `${where}: size`);
      assert.equal(w.length[i], p.length[j], `${where}: length`);
      assert.equal(w.shape[i], p.shape[j], `${where}: shape`);
    }
    if (!(handed & PART.label) && i < 5000) assert.equal(w.label[i], p.label[j], `${where}: label`);
    const mask = handed & PART.references ? ~TRUNCATED : ~0;
    if (!(handed & PART.flags)) assert.equal(w.flags[i] & mask, p.flags[j] & mask, `${where}: flags`);
    // The probe counted while the runner still held the program's namespace and its error
    // (run_and_capture's locals); the walker runs after it returned, so it may count fewer.
    // A root's count also holds the roots mapping the probe was given (and subtracted),
    // which the runner may or may not keep after the capture: one per name.
    const names = rootNames.get(i) ?? 0;
    const near = names && Math.abs(w.refcount[i] - p.refcount[j]) <= names;
    if (w.refcount[i] !== p.refcount[j] && !failed && !near) {
      assert.ok(
        w.refcount[i] < p.refcount[j] && p.refcount[j] !== 0xffffffff,
        `${where}: refcount ${w.refcount[i]} (the probe: ${p.refcount[j]})`,
      );
    }
    if (!(handed & (PART.references | PART.label))) {
      assert.deepEqual(edgesOf(w, i), edgesOf(p, j), `${where}: edges`);
    }
  }
  return walk.handedBack.map((h) => `${w.type[h.node]}:${Object.keys(PART).filter((k) => h.parts & PART[k])}`);
}

describe("the heap walker captures what the probe captures", () => {
  const corpus = loadCorpus();
  const handed = {};
  for (const program of corpus) {
    test(program.name, async () => {
      const probe = bytewise.analyser.check(program.options);
      const run = bytewise.runner.run(program.code, probe, { walk: false });
      const roots = rootsOfLastRun(program.options.roots);
      const policy =
        (probe.follow_types ? 1 : 0) |
        (probe.follow_modules ? 2 : 0) |
        (probe.follow_globals ? 4 : 0) |
        (probe.follow_code ? 8 : 0);
      const walk = native.walk({ roots, policy, objectCap: probe.object_cap, edgeCap: probe.edge_cap });
      assert.deepEqual(walk.problems, [], `${program.name}: memory read as CPython wrote it`);
      handed[program.name] = compare(program.name, run.snapshot, walk, run.facts.error !== null);
      if (walk.classesNeeded.length) handed[program.name].push(`classes not found: ${walk.classesNeeded.length}`);
      if (!walk.handedBack.length && !walk.problems.length) handedBackNothing.add(program.name);
    });
  }
  test("lists what it handed back", () => {
    process.stdout.write(`${JSON.stringify(handed, null, 1)}\n`);
  });
});

describe("the runner captures with the walker, and with the probe where the walker cannot", () => {
  // What a report says of a run, without what changes from run to run (addresses, times).
  const numbers = (report) => ({
    objects: report.objects,
    references: report.references,
    truncated: report.truncated,
    diagnostics: report.diagnostics.map((d) => [d.code, d.message, d.object?.type]),
    roots: report.roots.map((r) => [r.name, r.type, r.shallow, r.deep, r.naive, r.objects, r.refcount, r.retained]),
  });
  for (const program of loadCorpus()) {
    test(program.name, () => {
      const probe = bytewise.analyser.check(program.options);
      const walked = bytewise.runner.run(program.code, probe);
      const walkedReport = bytewise.analyser.report(walked, program.options);
      const probed = bytewise.runner.run(program.code, probe, { walk: false });
      assert.deepEqual(probed.facts.capture, { method: "probe", reason: "the caller asked for the Python probe" });
      // The walker answers for every program it decodes whole; the others name why not.
      const whole = handedBackNothing.has(program.name);
      assert.equal(walked.facts.capture.method, whole ? "native" : "probe", JSON.stringify(walked.facts.capture));
      if (!whole) {
        // Both runs were the probe's: what reaches the interpreter's own objects may differ
        // between two runs (its caches), so only the walker's runs are compared number for number.
        assert.match(walked.facts.capture.reason, /^the heap walker does not decode \d[\d,]* objects? itself \(/);
        return;
      }
      assert.deepEqual(numbers(walkedReport), numbers(bytewise.analyser.report(probed, program.options)));
    });
  }
});

describe("the walker describes classes anew for each walk", () => {
  // A class can change between two walks (and a later run's class can live where an
  // earlier one's did): facts remembered from an earlier walk would describe it wrongly.
  test("a class given its own __sizeof__ after a walk is answered by the probe at the next", () => {
    const py = bytewise.pyodide;
    py.runPython("class __BwK:\n    pass\n__bw_k = __BwK()");
    const roots = [["k", py.runPython("id(__bw_k)")]];
    const request = { roots, objectCap: 1000, edgeCap: 1000 };
    const first = native.walk(request);
    assert.deepEqual([first.handedBack, first.answered], [[], 0]);
    py.runPython("__BwK.__sizeof__ = lambda self: 99");
    try {
      const again = native.walk(request);
      // The walker hands the object back (the facts it is given now say so) and the probe
      // answers for it: the size CPython's own __sizeof__ gives, never the program's 99.
      assert.deepEqual([again.handedBack, again.answered], [[], 1]);
      const size = parseSnapshot(again.snapshot).size[0];
      assert.equal(size, py.runPython("import _bytewise.probe as __p; __p.own_sizeof_free_size(__bw_k)"));
      assert.notEqual(size, 99);
    } finally {
      py.runPython("del __bw_k, __BwK, __p");
    }
  });
});
