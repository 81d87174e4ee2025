// Conversions between core results and JavaScript values, shared by the analysis-only
// module (bytewise-core, for Node and workers) and the app module (bytewise-app).
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/result.hpp>
#include <bytewise/snapshot.hpp>

#include <emscripten/val.h>

#include <cstdint>
#include <span>
#include <vector>

namespace bytewise::wasm {

// { ok: false, errors: [{ code, offset, message }] }   (offset is null when unknown)
emscripten::val failure_to_js(const std::vector<diagnostic>& errors);

// Reads analysis options from a JS object (missing fields keep their defaults):
//   { includeInterpreterShared, followTypes, followModules, followGlobals, followCode,
//     topN, retained, allocated, comparePlatform }
// Unknown fields or wrong types are reported in `errors`.
analysis_options options_from_js(const emscripten::val& options, std::vector<diagnostic>& errors);

// { ok: true, platform, capture, policy, nodeCount, edgeCount, roots: [...], total,
//   types, cycles, repeated, top: { shallow, deep, retained } }. docs/report.md lists
// every field. Byte counts are JS numbers: exact up to 2^53 bytes.
emscripten::val report_to_js(const snapshot& snap, const analysis& a);

// Reads and analyses snapshot bytes at `address` in this module's memory (written there
// by JS through _malloc and HEAPU8.set); on success stores the snapshot in `*kept` when
// it is not null.
emscripten::val analyze_bytes(std::uintptr_t address, std::size_t size, const emscripten::val& options,
                              snapshot* kept = nullptr, analysis* kept_analysis = nullptr);

// Compares two snapshots (bytes at two addresses): { ok: true, appeared, freed, grew,
// shrank, unchanged: { objects, bytes }, netBytes, largest: [{ kind, type, address,
// beforeBytes, afterBytes }] }, or a failure naming which snapshot ("before"/"after").
emscripten::val diff_bytes(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
                           const emscripten::val& options);

// getsizeof of root `root` predicted on every modelled platform: [{ platform,
// description, status, size (null if not modelled), rule, allocated (bytes the allocator
// reserves for the object's own blocks; null if not modelled), allocatedStatus,
// allocatedRule }], or a failure.
// `list_hint` says how a list was built: "inferred", "appends", "exact", "from_iterable",
// "literal" or "kept" (layout_model.hpp, list_construction).
emscripten::val predict_root_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root,
                                   const std::string& list_hint);

// [{ name: "cpython-3.8-64", description: "64-bit CPython 3.8" }, ...]: the platforms
// the layout model covers, for pickers.
emscripten::val platforms_to_js();

}  // namespace bytewise::wasm
