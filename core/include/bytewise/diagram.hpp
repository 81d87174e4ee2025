// bytewise/diagram.hpp: where boxes and arrows go, decided in the core so that the
// canvas (wasm/app) only draws and the layout can be tested natively.
//
// This is the overview layout: variables on the left as named slots, the objects they
// name in the next column, and those objects' direct referents in the column after.
// Coordinates are model units (one unit is one CSS pixel at zoom 1), origin top-left.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bytewise {

enum class box_kind : std::uint8_t {
  variable,  // a named root: the slot that holds a reference
  object,    // one Python object
  more,      // "... N more": referents not drawn one by one
};

struct diagram_box {
  box_kind kind = box_kind::object;
  std::uint32_t node = 0;  // the object (for variable boxes: the object it names)
  float x = 0, y = 0, w = 0, h = 0;
  std::string title;   // "x" for variables, "list, 3 items" for objects
  std::string detail;  // "44 B shallow, 92 B deep" (objects only)
  std::string compared;  // "88 B on 64-bit CPython 3.12" when the analysis compares
};

struct diagram_arrow {
  std::uint32_t from = 0;  // box index
  std::uint32_t to = 0;    // box index
  std::string label;       // "[0]", "'key'", attribute name; empty for variables
};

struct diagram {
  std::vector<diagram_box> boxes;
  std::vector<diagram_arrow> arrows;
  float width = 0, height = 0;  // bounds of all boxes
};

struct diagram_options {
  std::uint32_t max_referents = 6;  // per object; the rest become one "more" box
};

// Precondition: `a` was computed from `snap`.
diagram layout_overview(const snapshot& snap, const analysis& a, const diagram_options& options = {});

// "44 B", "1,536 B", "2.4 MB" style byte counts: exact below 100,000 bytes, three
// significant digits above (the exact number is always in the table and tooltip).
std::string format_bytes(std::uint64_t bytes);

// "1,234,567"
std::string format_count(std::uint64_t n);

// "CPython 3.14.2, 32-bit wasm (Pyodide 314.0.7)"
std::string describe_platform(const platform_info& p);

}  // namespace bytewise
