// The X-ray (bytewise/xray.hpp) and JavaScript: subjects, memory regions and results as JS
// values. The core module (Node) decodes with them; the app module decodes in C++ and only
// takes memory regions from the page.
#pragma once

#include <bytewise/result.hpp>
#include <bytewise/xray.hpp>

#include <emscripten/val.h>

#include <cstdint>
#include <vector>

namespace bytewise::wasm {

// { address, typeName, shape, getsizeof, length, flags,
//   platform: { implementation, major, minor, micro, pointerSize, freeThreaded } }
emscripten::val xray_subject_to_js(const xray_subject& subject);
// The reverse; a missing or malformed field is reported in `errors`.
xray_subject xray_subject_from_js(const emscripten::val& subject, std::vector<diagnostic>& errors);

// [{ address, bytes: Uint8Array, length? }]: answers to the decoder's wants (length: the
// length asked for, when fewer bytes came back). Entries that are not of that shape are
// reported in `errors`.
std::vector<memory_region> memory_regions_from_js(const emscripten::val& regions, std::vector<diagnostic>& errors);

// The X-ray subject of root `root` of the snapshot at `address` (bytes written by JS into
// this module's memory), as xray_subject_to_js gives it; or { ok: false, errors }.
emscripten::val xray_subject_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root);

// Decodes `regions` for `subject`: { ok: true, complete, wants: [{ address, length }],
// blocks: [{ name, address, bytes, allocated, requested, allocation, fields: [{ address,
// offset, size, name, value, pointsTo, note }] }], problems: [{ code, message }] }, or
// { ok: false, errors }.
emscripten::val xray_to_js(const emscripten::val& subject, const emscripten::val& regions);

}  // namespace bytewise::wasm
