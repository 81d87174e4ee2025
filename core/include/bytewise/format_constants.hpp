// bytewise/format_constants.hpp: every constant of the snapshot format, by name.
//
// The probe writes snapshots with its own copy of these constants
// (web/py/_bytewise/format.py, the same names). tests/node/format-constants.test.mjs
// requires the two sets to be equal, name for name and value for value, so a bit moved
// on one side only fails a test instead of reading as a valid snapshot. The names follow
// the scheme of docs/snapshot-format.md, "Constants by name": a prefix for what the
// constant belongs to, then the C++ name in capitals (edge_kind::dict_key is
// EDGE_KIND_DICT_KEY, shape_facts::str_kind is SHAPE_STR_KIND_SHIFT and _MASK).
//
//   for (const bytewise::named_constant& c : bytewise::format_constants()) ...
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace bytewise {

// One constant: a number, or (the magic and the section tags) a few ASCII characters.
struct named_constant {
  std::string_view name;  // e.g. "EDGE_KIND_DICT_KEY"
  std::uint64_t value;    // the number; 0 for a text constant
  std::string_view text;  // the characters of a text constant; empty for a number
  constexpr bool is_text() const { return !text.empty(); }
};

// The table, built from the core's own constants (snapshot.hpp and the reader's byte
// layout), in the order docs/snapshot-format.md lists them. Names are unique; every value
// is below 2^53, so a JavaScript number holds it exactly. Static data: the span never
// dangles.
std::span<const named_constant> format_constants();

}  // namespace bytewise
