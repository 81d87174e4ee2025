// The analyses the wasm modules export besides the public report (measure.hpp), as
// JavaScript values: one object's sizes on every platform (the CLI's size and explain),
// and the difference between two captures.
#pragma once

#include <bytewise/result.hpp>

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bytewise::wasm {

// { ok: false, errors: [{ code, offset, message }] }   (offset is null when unknown)
emscripten::val failure_to_js(const std::vector<diagnostic>& errors);

// getsizeof of root `root` predicted on every modelled platform: [{ platform,
// description, status, size (null if not modelled), rule, allocated (bytes the allocator
// reserves for the object's own blocks; null if not modelled), allocatedStatus,
// allocatedRule }], or a failure.
// `list_hint` says how a list was built: "inferred", "appends", "exact", "from_iterable",
// "literal" or "kept" (layout_model.hpp, list_construction).
emscripten::val predict_root_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root,
                                   const std::string& list_hint);

// Compares two snapshots (bytes at two addresses) under measure() options (JSON; the
// policy and topN apply): { ok: true, appeared, freed, grew, shrank, unchanged: { objects,
// bytes }, netBytes, largest: [{ kind, type, address, beforeBytes, afterBytes }] }, or a
// failure naming which snapshot ("before"/"after").
emscripten::val diff_bytes(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
                           const std::string& options_json);

}  // namespace bytewise::wasm
