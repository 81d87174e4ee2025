// bytewise/snapshot.hpp: the object graph a capture produced, and its binary format.
//
// A snapshot is what the probe (web/py/_bytewise/probe.py) saw in a running CPython:
// objects (nodes) with their shallow sizes, labelled references between them (edges, in
// compressed sparse row form), named roots, and the platform it ran on. The byte format
// is specified in docs/snapshot-format.md; read_snapshot() trusts nothing in it. Every
// constant of the format is also listed by name in format_constants.hpp, which the probe's
// own constants (web/py/_bytewise/format.py) are tested against.
//
// Typical use:
//   auto snap = bytewise::read_snapshot(bytes);
//   if (!snap) { for (auto& d : snap.errors()) show(to_string(d)); return; }
//   const bytewise::object_graph& g = snap->graph;
//   for (std::uint32_t e = g.first_edge(node); e < g.end_edge(node); ++e)
//     use(g.edge_target[e], g.edge_kinds[e], g.edge_label[e]);  // node's references, in order
#pragma once

#include <bytewise/result.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bytewise {

// A string-table index meaning "no string" (also: no label on a node or edge).
inline constexpr std::uint32_t no_string = 0xFFFF'FFFFu;
// A node index meaning "no object": a capture diagnostic about no single object, a root
// an analysis policy leaves out (policy.hpp).
inline constexpr std::uint32_t no_node = 0xFFFF'FFFFu;
// A refcount the capture could not give: the object is immortal (CPython 3.12+).
inline constexpr std::uint32_t refcount_unknown = 0xFFFF'FFFFu;

// Why a reference exists. The label of an edge depends on its kind: the position for
// `index`, otherwise a string-table index (key repr, attribute, slot or variable name).
enum class edge_kind : std::uint8_t {
  index = 0,         // list/tuple/deque item; label = position
  dict_key = 1,      // dict -> key object; label = the key's short repr
  dict_value = 2,    // dict -> value object; label = the key's short repr
  attribute = 3,     // instance -> attribute value (through __dict__); label = name
  slot = 4,          // instance -> __slots__ member; label = slot name
  closure_cell = 5,  // function -> closure cell or cell -> content; label = variable name
  frame_local = 6,   // generator/coroutine frame -> local; label = variable name
  set_member = 7,    // set/frozenset -> member
  other = 8,         // any other referent CPython reports; label optional
  type = 9,          // object -> its type object
  globals = 10,      // function -> its module globals dict
  code = 11,         // function -> its code object
  definition = 12,   // bound method -> its function, generator -> its function
};
inline constexpr std::uint8_t edge_kind_count = 13;

std::string_view to_string(edge_kind kind);

// What sort of object a node is, where analyses treat it specially (follow policies).
enum class node_category : std::uint8_t {
  ordinary = 0,
  type_object = 1,
  module = 2,
  function = 3,
  code = 4,
  frame = 5,
};
inline constexpr std::uint8_t node_category_count = 6;

// Bits of a node's flags word. Bits 8..15 hold the node_category; other bits are reserved
// and must be zero.
namespace node_flag {
inline constexpr std::uint32_t gc_tracked = 1u << 0;     // gc.is_tracked(o) was true
inline constexpr std::uint32_t immortal = 1u << 1;       // refcount marks it immortal (3.12+)
inline constexpr std::uint32_t interned = 1u << 2;       // an interned str
inline constexpr std::uint32_t small_int = 1u << 3;      // an int from the small-int cache
inline constexpr std::uint32_t truncated = 1u << 4;      // not all its referents were captured
inline constexpr std::uint32_t has_length = 1u << 5;     // the length column is meaningful
inline constexpr std::uint32_t not_followed = 1u << 6;   // leaf by capture policy
inline constexpr std::uint32_t static_object = 1u << 7;  // in static data, not a heap block (1.3)
inline constexpr std::uint32_t category_shift = 8;
inline constexpr std::uint32_t category_mask = 0xFFu << category_shift;
inline constexpr std::uint32_t known_bits = 0xFFu | category_mask;
}  // namespace node_flag

// The family of an object for the layout model (low byte of its shape word; the other
// bits are the family's facts, shape_facts below and docs/snapshot-format.md, "Shapes").
enum class shape_family : std::uint8_t {
  unknown = 0,
  int_ = 1,   // facts: shape_facts::int_bit_length, int_negative
  bool_ = 2,  // facts: shape_facts::bool_value
  float_ = 3,
  complex_ = 4,
  str = 5,  // facts: shape_facts::str_kind
  bytes = 6,
  bytearray = 7,
  tuple = 8,
  list = 9,
  dict = 10,  // facts: shape_facts::dict_str_keys
  set = 11,
  frozenset = 12,
  range = 13,
  slice = 14,
  singleton = 15,  // None, Ellipsis, NotImplemented
  object = 16,     // object()
  instance = 17,   // facts: shape_facts::instance_*
  function = 18,
  builtin_function = 19,
  method = 20,
  cell = 21,
  array = 22,       // facts: shape_facts::array_item_size, array_typecode
  memoryview = 23,  // facts: shape_facts::memoryview_ndim
  generator = 24,
  coroutine = 25,
  async_generator = 26,
};
inline constexpr std::uint8_t shape_family_count = 27;
inline constexpr std::uint64_t shape_family_mask = 0xFF;

inline shape_family family_of(std::uint64_t shape) { return static_cast<shape_family>(shape & shape_family_mask); }

// One fact of a shape word: (shape >> shift) & mask. A fact too large for its mask (an
// int's bit length, an instance's slot count) is stored as the mask.
struct shape_field {
  std::uint32_t shift;
  std::uint64_t mask;  // applied after the shift
  constexpr std::uint64_t of(std::uint64_t shape) const { return (shape >> shift) & mask; }
};

// The facts of each family that has some, named <family>_<fact>.
namespace shape_facts {
inline constexpr shape_field int_bit_length{8, 0xFFFF'FFFFu};
inline constexpr shape_field int_negative{40, 1};
inline constexpr shape_field bool_value{8, 1};
inline constexpr shape_field str_kind{8, 3};       // a shape_str_kind
inline constexpr shape_field dict_str_keys{8, 1};  // every key is an exact str
inline constexpr shape_field instance_slots{8, 0xFFFF};
inline constexpr shape_field instance_has_dict{24, 1};
inline constexpr shape_field instance_has_weakref{25, 1};
inline constexpr shape_field instance_slots_declared{26, 1};  // some class of the MRO declares __slots__
inline constexpr shape_field array_item_size{8, 0xFF};
inline constexpr shape_field array_typecode{16, 0xFF};  // the typecode's ASCII character
inline constexpr shape_field memoryview_ndim{8, 0xFF};
}  // namespace shape_facts

// A str's character width (PEP 393), the value of shape_facts::str_kind.
namespace shape_str_kind {
inline constexpr std::uint64_t ascii = 0;   // 1 byte, compact ASCII layout
inline constexpr std::uint64_t latin1 = 1;  // 1 byte
inline constexpr std::uint64_t ucs2 = 2;    // 2 bytes
inline constexpr std::uint64_t ucs4 = 3;    // 4 bytes
}  // namespace shape_str_kind

// Interned UTF-8 strings addressed by index: one buffer plus end offsets, so a million
// labels cost two allocations.
class string_table {
 public:
  std::uint32_t size() const { return static_cast<std::uint32_t>(ends_.size()); }
  // Precondition: index < size().
  std::string_view at(std::uint32_t index) const;
  // Returns `fallback` for no_string or an out-of-range index.
  std::string_view get(std::uint32_t index, std::string_view fallback = {}) const;
  std::uint32_t add(std::string_view text);

  const std::string& data() const { return data_; }
  const std::vector<std::uint32_t>& ends() const { return ends_; }
  // Used by the reader after validation: `ends` are non-decreasing end offsets into data.
  void assign(std::string data, std::vector<std::uint32_t> ends);

 private:
  std::string data_;
  std::vector<std::uint32_t> ends_;
};

// sys.version_info.releaselevel as META stores it (the nibble of sys.hexversion).
namespace release_level {
inline constexpr std::uint8_t alpha = 0xA;
inline constexpr std::uint8_t beta = 0xB;
inline constexpr std::uint8_t candidate = 0xC;
inline constexpr std::uint8_t final = 0xF;
}  // namespace release_level

// The CPython a snapshot was taken in.
struct platform_info {
  std::uint8_t pointer_size = 0;  // 4 on wasm32 (Pyodide), 8 on 64-bit CPython
  std::uint8_t python_major = 0;
  std::uint8_t python_minor = 0;
  std::uint8_t python_micro = 0;
  std::uint8_t release_level = release_level::final;  // a release_level value
  std::uint8_t release_serial = 0;
  bool free_threaded = false;
  std::string implementation;  // "CPython"
  std::string python_version;  // sys.version, verbatim
  std::string runtime;         // "Pyodide 314.0.7" or "native"
  std::string machine;         // e.g. "emscripten-wasm32", "linux-x86_64"
};

// How the capture was made, and whether it was complete.
struct capture_info {
  bool truncated = false;           // the object cap was reached
  bool small_ints_probed = false;   // the range below was measured live
  bool interned_known = false;      // node_flag::interned is reliable (CPython 3.13+)
  bool static_known = false;        // node_flag::static_object is reliable (the heap's start was known)
  std::int32_t small_int_min = 0;   // inclusive
  std::int32_t small_int_max = -1;  // inclusive
  std::uint32_t object_cap = 0;     // 0 = no cap
  std::uint32_t policy = 0;         // capture_policy bits
};

namespace capture_policy {
inline constexpr std::uint32_t follow_types = 1u << 0;
inline constexpr std::uint32_t follow_modules = 1u << 1;
inline constexpr std::uint32_t follow_globals = 1u << 2;
inline constexpr std::uint32_t follow_code = 1u << 3;
inline constexpr std::uint32_t known_bits = 0xFu;
}  // namespace capture_policy

struct edge {
  std::uint32_t target;
  edge_kind kind;
  std::uint32_t label;
};

// Nodes and edges as parallel columns. Edges of node n are [edge_offsets[n],
// edge_offsets[n + 1]) in the edge columns.
struct object_graph {
  std::vector<std::uint64_t> address;  // id(o); 64-bit even on wasm32 builds of the core
  std::vector<std::uint32_t> type;     // string-table index of the type's name
  std::vector<std::uint64_t> shallow;  // sys.getsizeof(o)
  std::vector<std::uint64_t> length;   // len(o) where node_flag::has_length
  std::vector<std::uint64_t> shape;    // shape word (family + facts); 0 when not captured
  std::vector<std::uint32_t> flags;    // node_flag bits
  std::vector<std::uint32_t> label;    // short label, string-table index or no_string
  // References to each object from outside the probe (sys.getrefcount less the probe's
  // own), or refcount_unknown (immortal objects). Empty when the capture did not record it.
  std::vector<std::uint32_t> refcount;

  std::vector<std::uint32_t> edge_offsets{0};  // node_count() + 1 entries
  std::vector<std::uint32_t> edge_target;
  std::vector<edge_kind> edge_kinds;
  std::vector<std::uint32_t> edge_label;

  std::uint32_t node_count() const { return static_cast<std::uint32_t>(address.size()); }
  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(edge_target.size()); }
  std::uint32_t first_edge(std::uint32_t node) const { return edge_offsets[node]; }
  std::uint32_t end_edge(std::uint32_t node) const { return edge_offsets[node + 1]; }
  node_category category(std::uint32_t node) const {
    return static_cast<node_category>((flags[node] & node_flag::category_mask) >> node_flag::category_shift);
  }
};

struct root {
  std::uint32_t name;  // string-table index
  std::uint32_t node;
};

// Something the probe could not measure faithfully, with the object it concerns.
struct capture_diagnostic {
  std::uint32_t node;     // no_node when it concerns no single object
  std::uint32_t code;     // string-table index, e.g. "probe.sizeof_failed"
  std::uint32_t message;  // string-table index
};

struct snapshot {
  platform_info platform;
  capture_info capture;
  string_table strings;
  object_graph graph;
  std::vector<root> roots;
  std::vector<capture_diagnostic> diagnostics;  // optional section DIAG (format 1.1)
  // Optional section RUNR (format 1.5): per root, how many objects it leads to that the
  // object cap left out of the capture (at least: the capture counts those it saw left out).
  // Empty when the capture does not say.
  std::vector<std::uint32_t> root_unreached;
};

// Format version this build writes; it reads every 1.x.
inline constexpr std::uint16_t snapshot_major_version = 1;
inline constexpr std::uint16_t snapshot_minor_version = 5;

// Parses and validates snapshot bytes. Every count, offset, index, enum value and string
// is checked before use; nothing is allocated beyond what the input's own size bounds.
// On failure, returns every problem found (up to a cap), each with its byte offset.
result<snapshot> read_snapshot(std::span<const std::uint8_t> bytes);

// Serialises a snapshot in the current format. Precondition: the snapshot is consistent
// (as read_snapshot would accept it); snapshot_builder makes consistent ones.
std::vector<std::uint8_t> write_snapshot(const snapshot& snap);

// Transparent hashing, so string_view lookups need no temporary std::string.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Builds consistent snapshots in code: tests, fuzz seeds, tools. Edges may be added in any
// order once their nodes exist; build() arranges them by source, keeping each node's edges
// in insertion order.
class snapshot_builder {
 public:
  explicit snapshot_builder(platform_info p = {});
  std::uint32_t add_node(std::string_view type, std::uint64_t shallow, std::uint64_t address, std::uint32_t flags = 0);
  void set_length(std::uint32_t node, std::uint64_t length);
  void set_shape(std::uint32_t node, std::uint64_t shape);
  void set_label(std::uint32_t node, std::string_view label);
  // Gives the snapshot a refcount column (every other node: refcount_unknown).
  void set_refcount(std::uint32_t node, std::uint32_t refcount);
  // Precondition: source and target were returned by add_node.
  void add_edge(std::uint32_t source, std::uint32_t target, edge_kind kind, std::uint32_t label = no_string);
  void add_edge(std::uint32_t source, std::uint32_t target, edge_kind kind, std::string_view label);
  void add_root(std::string_view name, std::uint32_t node);
  std::uint32_t node_count_so_far() const { return snap_.graph.node_count(); }
  capture_info& capture() { return snap_.capture; }
  snapshot build() &&;

 private:
  std::uint32_t string_index(std::string_view text);
  snapshot snap_;
  std::vector<std::pair<std::uint32_t, edge>> edges_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> string_ids_;
};

}  // namespace bytewise
