// Conversions from core results to JavaScript values, shared by the analysis-only module
// (bytewise-core, for Node and workers) and the app module (bytewise-app, with ImGui).
#pragma once

#include <bytewise/result.hpp>
#include <bytewise/sizes.hpp>
#include <bytewise/snapshot.hpp>

#include <emscripten/val.h>

#include <cstdint>
#include <vector>

namespace bytewise::wasm {

// { ok: false, errors: [{ code, offset, message }] }   (offset is null when unknown)
emscripten::val failure_to_js(const std::vector<diagnostic>& errors);

// { ok: true, platform: {...}, capture: {...}, nodeCount, edgeCount,
//   roots: [{ name, node, type, address, shallow, deep, objects }], total: { deep, objects } }
// Byte counts are JS numbers: exact up to 2^53 bytes.
emscripten::val report_to_js(const snapshot& snap, const root_sizes& sizes);

// Reads `size` bytes at `address` in this module's memory (written there by JS through
// _malloc and HEAPU8.set) without copying them again.
std::span<const std::uint8_t> bytes_at(std::uintptr_t address, std::size_t size);

}  // namespace bytewise::wasm
