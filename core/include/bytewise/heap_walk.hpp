// bytewise/heap_walk.hpp: the capture, read straight from the interpreter's memory.
//
// The heap walker starts from the roots' addresses and walks CPython's objects in a copy of
// the interpreter's memory (Pyodide's linear memory), breadth first, as the Python probe
// (web/py/_bytewise/probe.py) walks them with CPython's own functions: the same nodes in
// the same order, the same sizes (what sys.getsizeof returns), lengths, shapes, flags and
// labels, and the same labelled edges (web/py/_bytewise/edges.py's rules). It runs none of
// the program's code and asks CPython nothing, so a program that rebinds builtins cannot
// change what it sees.
//
// What it cannot decode exactly it does not guess: the object is handed back (see
// handed_back). The probe, which stays the oracle, records each such object alone
// (probe_answer, from web/py/_bytewise/native.py answer()), and a walk given the answers
// uses them instead (web/native-capture.js runs the rounds); where rounds do not settle it,
// the probe captures the whole run.
// Classes are described once each by the probe (class_facts: what their namespaces and MROs
// say, which the walker would otherwise have to interpret): a walk that meets a class it has
// no facts for says so in `classes_needed`; run it again with those facts.
//
// Typical use (web/native-capture.js does this against Pyodide):
//   bytewise::copied_heap heap(base, bytes);           // a copy of the interpreter's memory
//   bytewise::walk_setup setup = ...;                  // types, roots, policy, caps
//   auto walked = bytewise::walk_heap(heap, setup);
//   if (!walked) report(walked.errors());               // a setup the walker cannot use
//   else if (!walked->classes_needed.empty()) ...       // describe them, walk again
//   else use(walked->snap, walked->handed_back);
//
// Memory is hostile: a program can write any bytes it likes into its own objects. Every
// read is bounds-checked against the view, every length is capped by what the view holds,
// the walk is an explicit queue (no recursion) over objects it has not seen (no cycles), so
// corrupted memory gives diagnostics (walk_result::problems) and hand-backs, never a crash
// or a hang.
//
// Field offsets come from the core's per-platform table (core/src/object_offsets.cpp).
// Platforms without a row are refused with a diagnostic.
//
// How it reads Pyodide's memory: a copy, chosen by measurement. web/native-capture.js
// copies Pyodide's heap (up to its break, sbrk(0)) into the core module and walks the copy;
// the other route, loading the walker into Pyodide as a side module that reads its memory
// in place, was not taken. Measured with npm run bench:capture (Node 20, Pyodide 314.0.7,
// a busy 2-core machine, medians of 3): the copy takes 174 ms for 1M floats (a 103 MB heap)
// beside a 440 ms walk, 294 ms / 2,054 ms for 1M rows (530 MB), 326 ms / 2,521 ms for 10M
// floats (2.6 GB, the heap the benchmark's earlier data left); 14-20 ms for 103 MB when
// the core's memory needs no growing. That is 7-22% of a capture: what a side module would
// save. Against it: a side module has no libc++ of its own, so it would be a second,
// freestanding walker; its tables and snapshot would live in Pyodide's heap, the program's
// own memory, which a capture must not change; and the snapshot would still be copied out
// to the core for the analysis. The copy holds the heap twice while the walk runs and is
// freed as soon as it returns.
// A trace's steps each walk a few objects of a big heap: copying all of it (27 MB, about
// 6 ms) for each step's thousand objects would cost more than the walk. Their copy is
// filled page by page as the walk reads it (heap_pages, 4 KiB pages). Measured (Node,
// Pyodide 314.0.7, 1,000 objects scattered over 10 MB of a 27 MB heap, 1,004 steps):
// 596 pages copied a step, a step recorded in 2.6 ms, against 6.2 ms with a whole copy
// and 42.7 ms with the probe.
//
// Cost per object: the walk keeps an 8-byte slot of its address index per object (at most
// 3/4 full) beside the snapshot's columns (48 bytes a node, 9 an edge, format 1.4); nothing
// is allocated per object or per reference, and reads are inlined bounds checks on the copy.
#pragma once

#include <bytewise/result.hpp>
#include <bytewise/snapshot.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytewise {

// [SECTION] Memory

// Pages of a view that are copied when a walk first reads them, for walks that touch a
// small part of a big heap (each step of a trace reads a few hundred kilobytes of tens of
// megabytes): the view's block is allocated whole but filled a page at a time by `fill`,
// which copies bytes [offset, offset + length) of the source to the same offset of the
// block and returns false when it cannot. `present` has one bit per page of the view, all
// clear before a walk (reset()); the source must not change while a walk reads it.
class heap_pages {
 public:
  static constexpr unsigned page_bits = 12;  // 4 KiB pages
  using fill_fn = bool (*)(void* context, std::uint64_t offset, std::uint64_t length);

  heap_pages(std::uint64_t size, fill_fn fill, void* context)
      : size_(size), present_(((size >> page_bits) + 64) / 64, 0), fill_(fill), context_(context) {}

  // Makes [offset, offset + length) of the view (inside it, length > 0) readable.
  [[gnu::always_inline]] bool ensure(std::uint64_t offset, std::uint64_t length) {
    const std::uint64_t first = offset >> page_bits;
    if (first == (offset + length - 1) >> page_bits && has(first)) return true;
    return fill_range(first, (offset + length - 1) >> page_bits);
  }
  void reset() { std::fill(present_.begin(), present_.end(), 0); }
  std::uint64_t pages_filled() const { return filled_; }

 private:
  bool has(std::uint64_t page) const { return (present_[page >> 6] >> (page & 63)) & 1; }
  bool fill_range(std::uint64_t first, std::uint64_t last);

  std::uint64_t size_;
  std::vector<std::uint64_t> present_;
  fill_fn fill_;
  void* context_;
  std::uint64_t filled_ = 0;
};

// A read-only view of another process's memory: one contiguous copy of it, [base, base +
// size), read by address. The bytes are not copied again: they must outlive the view. Not
// virtual: the walker's every read is this bounds check and a pointer, inlined. With
// `pages`, the copy is filled as the walk reads it (heap_pages).
class copied_heap {
 public:
  copied_heap(std::uint64_t base, std::span<const std::uint8_t> bytes, heap_pages* pages = nullptr)
      : base_(base), bytes_(bytes), pages_(pages) {}
  // The `length` bytes at `address`, or nullptr when any of them is outside the view.
  const std::uint8_t* bytes(std::uint64_t address, std::uint64_t length) const {
    if (length == 0) length = 1;
    if (address < base_ || length > bytes_.size() || address - base_ > bytes_.size() - length) return nullptr;
    if (pages_ && !pages_->ensure(address - base_, length)) return nullptr;
    return bytes_.data() + (address - base_);
  }
  std::uint64_t base() const { return base_; }
  std::span<const std::uint8_t> span() const { return bytes_; }
  heap_pages* pages() const { return pages_; }

 private:
  std::uint64_t base_;
  std::span<const std::uint8_t> bytes_;
  heap_pages* pages_;
};

// [SECTION] What the walker is told

// The C types the walker decodes, recognised by their type objects' addresses (id(type) in
// the interpreter, web/py/_bytewise/native.py hands them over). The names are the ones
// native.py uses for them.
enum class known_type : std::uint8_t {
  type,
  object,
  int_,
  bool_,
  float_,
  complex_,
  str,
  bytes,
  bytearray,
  tuple,
  list,
  dict,
  set,
  frozenset,
  none,
  ellipsis,
  not_implemented,
  range,
  slice,
  cell,
  function,
  method,
  builtin_function,
  code,
  module,
  member_descriptor,
  array,
  frame,
};
inline constexpr std::size_t known_type_count = 28;
// "type", "object", "int", ... "array": the key native.py gives each address under.
std::string_view known_type_key(known_type t);

// What the probe says about one class (a heap type), from its namespace and MRO
// (web/py/_bytewise/native.py class_facts): the facts its rules use for the class's objects.
struct class_facts {
  std::uint64_t address = 0;  // id(cls)
  // What edges.py decides for the class: _plain_class(cls), and for instances whose
  // attributes cannot be read in their values' order, _plain_instance_names(cls) (sorted).
  bool plain = false;
  std::vector<std::string> plain_names;
  // _slot_descriptors(cls): every __slots__ member of the MRO, in the probe's order, with
  // its descriptor's address (the walker reads the member's offset from it).
  std::vector<std::pair<std::string, std::uint64_t>> slots;
  std::uint64_t shape = 0;     // shapes.family(cls): its instances' shape word
  std::uint8_t category = 0;   // the node_category of its objects
  bool c_sizeof = false;       // its objects' __sizeof__ is object's own (no Python __sizeof__)
  bool object_layout = false;  // its instances have no builtin base but object (walkable)
  bool object_sizeof = false;  // its __sizeof__ is object.__sizeof__ itself (basic size and items)
};

// What the probe records for an object a previous walk handed back (web/py/_bytewise/
// native.py answer): the parts it was asked for, worked out by the probe's own rules. A
// walk given an answer for an address uses it where it would hand that object back.
struct probe_reference {
  std::uint64_t target = 0;  // id() of the referenced object
  edge_kind kind = edge_kind::other;
  std::uint32_t index = 0;           // the position, for index edges
  std::optional<std::string> label;  // other kinds' label, if any
};
struct probe_answer {
  std::uint64_t address = 0;
  // sys.getsizeof, len and the shape word (the size part), when asked.
  std::optional<std::uint64_t> size, length, shape;
  std::optional<std::string> label;  // its short label (the label part), when it has one
  // Its references in the probe's order (the references part), and whether the edge cap
  // or a failure left some out.
  std::optional<std::vector<probe_reference>> references;
  bool truncated = false;
  std::vector<std::pair<std::string, std::string>> diagnostics;  // code, message: about this object
};

struct walk_setup {
  platform_info platform;  // the interpreter (the snapshot's META); its version picks the offsets
  std::array<std::uint64_t, known_type_count> types{};  // id(type) per known_type; 0: unknown
  std::vector<class_facts> classes;
  std::vector<std::pair<std::string, std::uint64_t>> roots;  // name, id(value)
  // The small-int cache, probed live (probe.probe_small_int_range): its range and the
  // cached objects' addresses.
  std::int32_t small_int_min = 0;
  std::int32_t small_int_max = -1;
  std::vector<std::uint64_t> small_int_addresses;
  std::uint64_t heap_base = 0;  // objects below it are static data; 0: unknown
  // id() of a class a class statement made (native.py's _ClassStatement): its tp_traverse
  // tells the classes whose instances CPython traverses generically (subtype_traverse)
  // from C types made mutable at run time.
  std::uint64_t class_statement = 0;
  std::uint32_t policy = 0;  // capture_policy bits
  std::uint32_t object_cap = 200'000;
  std::uint32_t edge_cap = 100'000;
  std::uint32_t label_cap = 5'000;  // the probe's LABEL_CAP: nodes past it get no label
  // The caller's own findings (code, message) to carry in the snapshot, about no node:
  // the root expressions that failed (probe.capture's diagnostics).
  std::vector<std::pair<std::string, std::string>> diagnostics;
  // References the caller itself holds while it walks (the roots' names and values in its
  // own containers): one per entry, taken off that object's refcount, as the probe takes
  // its own off (probe._Capture._refcounts).
  std::vector<std::uint64_t> held;
  // A round that only looks for classes without facts (the caller will walk again with
  // them): their objects are not handed back. A walk that meets no such class is whole.
  bool finding_classes = false;
  // The probe's answers for objects earlier walks of this memory handed back.
  std::vector<probe_answer> answers;
};

// [SECTION] What the walker gives back

// What the walker left to the probe for one node.
namespace handed_back_part {
inline constexpr std::uint8_t size = 1u << 0;        // sys.getsizeof (and the shape word)
inline constexpr std::uint8_t references = 1u << 1;  // its edges: none were recorded
inline constexpr std::uint8_t label = 1u << 2;       // its label, and dict edge labels of its keys
inline constexpr std::uint8_t flags = 1u << 3;       // flags it could not read (category)
}  // namespace handed_back_part

struct handed_back_object {
  std::uint32_t node = no_node;
  std::uint64_t address = 0;
  std::uint8_t parts = 0;  // handed_back_part bits
  std::string reason;      // "walk.unknown_type: collections.deque", ...
};

struct walk_result {
  snapshot snap;  // the probe's snapshot, as far as the walker could decode it
  std::vector<handed_back_object> handed_back;
  std::vector<std::uint64_t> classes_needed;  // classes met without class_facts: walk again
  std::vector<diagnostic> problems;           // memory that did not make sense, with its address
  std::uint64_t bytes_read = 0;               // bytes of the view the walk looked at
};

// Walks from setup.roots. Fails only for a setup it cannot use (no offsets for the
// platform, a known type missing); whatever the memory holds, it returns a walk.
result<walk_result> walk_heap(const copied_heap& heap, const walk_setup& setup);

}  // namespace bytewise
