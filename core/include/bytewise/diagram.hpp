// bytewise/diagram.hpp: the pointer diagram, laid out in the core so that the canvas
// (wasm/app) only draws and the layout is tested natively.
//
// What it looks like (Python Tutor's frames and objects, with bytes on every box):
//   column 0     the variables, each a named slot, top to bottom in the program's order;
//   columns 1..  the objects, in layers by distance from the variables: a container is a
//                box of rows (list and tuple slots, dict key/value rows, set members,
//                instance attributes), each row holding a pointer (an arrow to the object's
//                box) or, for the interpreter's small shared values when asked, the value
//                inline.
// Every variable gets a band of rows of its own, below the previous variable's: the objects
// it reaches first are laid out in its band, so adding a variable at the end moves nothing
// that was there. Inside a band, each layer is ordered by the barycenter of the rows that
// point into it, and a box sits level with the first row pointing at it when there is room.
// Containers show their first rows and a "... N more" row; when the rest are all of one
// type, that row points at one aggregate box ("996 x float, 16 B each"). Arrows are
// polylines through the gaps between boxes where they cross other columns.
//
// Coordinates are model units (one CSS pixel at zoom 1), origin top-left. Deterministic:
// the same snapshot and options give the same diagram, byte for byte.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bytewise {

inline constexpr std::uint32_t no_box = 0xFFFF'FFFFu;
// A row index meaning "no row" (a point over a box's title, or over no box).
inline constexpr std::uint32_t no_row = 0xFFFF'FFFFu;
// A diagram_row::edge meaning the row stands for no single snapshot edge.
inline constexpr std::uint32_t no_edge = 0xFFFF'FFFFu;

// Text and spacing. The canvas draws text in a monospace font whose advance at font_size
// is at most char_width, so text measured here fits what is drawn.
namespace diagram_metrics {
inline constexpr float font_size = 13;
inline constexpr float char_width = 8;
inline constexpr float line_height = 18;
inline constexpr float padding = 8;
inline constexpr float column_gap = 72;
inline constexpr float box_gap = 14;
inline constexpr float band_gap = 22;
inline constexpr float min_box_width = 168;
inline constexpr float max_box_width = 344;
inline constexpr float pointer_width = 18;   // the slot of a row that holds an address
inline constexpr std::size_t max_text = 30;  // characters of a label before "..."
}  // namespace diagram_metrics

enum class box_kind : std::uint8_t {
  variable,   // a named root: the slot that holds a reference
  object,     // one Python object
  aggregate,  // many objects of one type behind a "... N more" row
};

namespace box_flag {
inline constexpr std::uint8_t shared = 1u << 0;       // two or more references (variables count)
inline constexpr std::uint8_t cycle = 1u << 1;        // part of a reference cycle
inline constexpr std::uint8_t interpreter = 1u << 2;  // immortal, cached small int or interned str
inline constexpr std::uint8_t leaf = 1u << 3;         // its references are not drawn (policy)
inline constexpr std::uint8_t truncated = 1u << 4;    // the capture did not record all its references
}  // namespace box_flag

// The numbers a box can show; the canvas picks one (shallow by default) and the tooltip
// shows them all. For a variable, they are the variable's: deep, retained, allocated
// and predicted totals of what it names.
struct box_numbers {
  std::uint64_t shallow = 0;  // sys.getsizeof (aggregates: all their objects)
  std::uint64_t deep = 0;
  bool deep_exact = true;                 // false: the walk hit its work limit, or the capture cut an object it reached
                                          // (node_flag::truncated); deep is a lower bound
  std::optional<std::uint64_t> retained;  // when the analysis has dominators
  std::optional<std::uint64_t> allocated;  // when it has allocated sizes, and they are modelled
  prediction_status allocated_status = prediction_status::not_modelled;
  std::optional<std::uint64_t> predicted;  // shallow (deep for variables) on the compared platform
  prediction_status predicted_status = prediction_status::not_modelled;
  std::uint64_t objects = 0;  // aggregates: how many objects; variables: in the deep size
};

// What one row of a box holds.
struct diagram_row {
  std::string label;               // "[0]", "'name'", "name", "..." (more rows)
  std::uint32_t target = no_node;  // the object the row refers to (no_node: none)
  std::uint32_t box = no_box;      // the box an arrow goes to; no_box when inline or not drawn
  std::string value;               // inline value ("1", "None") or why nothing is drawn
  std::uint32_t edge = no_edge;    // the snapshot edge, for the address on hover (no_edge: none)
  std::uint64_t hidden = 0;        // a "... N more" row: how many rows it stands for
};

struct diagram_box {
  box_kind kind = box_kind::object;
  std::uint32_t node = no_node;  // the object (variables: the object they name)
  std::uint32_t root = 0;        // variables: the root's index
  std::uint32_t column = 0, band = 0;
  float x = 0, y = 0, w = 0, h = 0;
  std::string title;       // "x" for variables, "list" / "int 256" / "996 x float" otherwise
  std::string subtitle;    // "3 items", "16 B each"; may be empty
  std::uint8_t flags = 0;  // box_flag bits
  box_numbers numbers;
  std::vector<diagram_row> rows;
  float rows_y = 0;  // offset of the first row from the box's top
};

struct diagram_point {
  float x = 0, y = 0;
};

struct diagram_arrow {
  std::uint32_t from = 0;           // box index
  std::uint32_t row = 0;            // row of `from` the reference sits in
  std::uint32_t to = 0;             // box index
  bool back = false;                // goes to an earlier or the same column (cycles, sharing)
  std::vector<diagram_point> path;  // first point on the row's slot, last on `to`
};

struct diagram {
  std::vector<diagram_box> boxes;
  std::vector<diagram_arrow> arrows;
  float width = 0, height = 0;  // bounds of all boxes and arrows
  bool limited = false;         // max_boxes or max_depth stopped the drawing somewhere
};

struct diagram_options {
  bool inline_shared = false;           // draw small ints, None, True... as values inside the row
  std::uint32_t max_rows = 10;          // rows per container before "... N more"
  std::uint32_t expanded_rows = 1000;   // rows of an expanded container
  std::vector<std::uint32_t> expanded;  // nodes whose rows are all drawn (up to expanded_rows)
  std::uint32_t max_boxes = 1000;       // boxes in all; past it, rows show the address only
  std::uint32_t max_depth = 30;         // columns of objects
  std::uint64_t deep_work = 0;          // steps of the per-box deep walks in all (0: 8 x (nodes + edges))
};

// Precondition: `a` was computed from `snap`.
diagram layout_diagram(const snapshot& snap, const analysis& a, const diagram_options& options = {});

// "44 B", "1,536 B", "2.4 MB" style byte counts: exact below 100,000 bytes, three
// significant digits above (the exact number is always in the table and tooltip).
std::string format_bytes(std::uint64_t bytes);

// "1,234,567"
std::string format_count(std::uint64_t n);

// "CPython 3.14.2, 32-bit wasm (Pyodide 314.0.7)"
std::string describe_platform(const platform_info& p);

}  // namespace bytewise
