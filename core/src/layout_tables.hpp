// Per-version layout data for the model (layout_model.cpp). One row per modelled
// platform; every number is a size in bytes on that platform unless it says otherwise.
#pragma once

#include <bytewise/layout_model.hpp>

#include <cstdint>
#include <span>

namespace bytewise::detail {

enum class list_growth : std::uint8_t {
  py38,  // new = n + (n >> 3) + (n < 9 ? 3 : 6)                      (3.8)
  py39,  // new = (n + (n >> 3) + 6) & ~3, exact if the jump is larger   (3.9+)
};
enum class list_prealloc : std::uint8_t {
  exact,  // list(iterable) and constant displays allocate exactly n     (3.8, 3.9)
  even,   // list_preallocate_exact rounds up to an even count           (3.10+)
};
enum class literal_build : std::uint8_t {
  build_list,   // BUILD_LIST n: exactly n                                  (3.8)
  list_resize,  // BUILD_LIST 0 + LIST_EXTEND through list_resize from 0     (3.9)
  preallocate,  // BUILD_LIST 0 + LIST_EXTEND through list_preallocate_exact (3.10+)
};
enum class list_extend : std::uint8_t {
  hint_resize,  // list(iterator), [*x], extend() of an empty list: list_resize to the
                // length hint                                                          (3.8, 3.9)
  hint_even,    // list_preallocate_exact to the hint, rounded up to even               (3.10+)
};
enum class list_from_set : std::uint8_t {
  like_sized,  // list(set), list(dict): as any object with a length (the prealloc column) (<= 3.12)
  set_resize,  // list_extend's set and dict paths: list_resize to the length              (3.13+)
};
enum class split_prealloc : std::uint8_t {
  twelve,     // str.split() starts with 12 slots (Objects/stringlib/split.h MAX_PREALLOC)      (<= 3.11)
  by_length,  // at most 12, fewer for a short string: len // 2 + 2                             (3.12+)
};
enum class dict_log2 : std::uint8_t {
  loop,     // calculate_log2_keysize: smallest power of two >= minsize, at least 8       (3.8, 3.9, 3.14)
  rounded,  // bit_length(((minsize | 8) - 1) | 7): one step more at powers of two >= 16
            // and for minsize 1..7                                                        (3.10-3.13)
};
enum class instance_layout : std::uint8_t {
  inline_pointers,  // __dict__ and __weakref__ pointers inside the object   (<= 3.10)
  managed_dict,     // dict managed (pre-header), weakref pointer inline       (3.11)
  managed_both,     // both managed in the pre-header                          (3.12+)
};

struct layout_params {
  cpython_target target;
  std::uint32_t ascii_base;        // sizeof(PyASCIIObject)
  std::uint32_t compact_base;      // sizeof(PyCompactUnicodeObject)
  bool latin1_singletons_utf8;     // chr(128..255) singletons carry their UTF-8 form
  std::uint32_t int_min_digits;    // digits counted for 0 (and False)
  std::uint32_t tuple_base;        // tp_basicsize of tuple (3.14 adds ob_hash)
  std::uint32_t dict_base;         // sizeof(PyDictObject)
  std::uint32_t dict_keys_header;  // PyDictKeysObject before the indices
  bool dict_unicode_entries;       // str-only tables use (key, value) entries (3.11+)
  std::uint32_t array_base;        // sizeof(arrayobject)
  bool array_gc;                   // array.array has a GC header (3.10+)
  std::uint32_t function_size;     // getsizeof of a Python function
  bool frame_in_generator;         // the frame lives in the generator (3.11+)
  std::uint32_t generator_base;    // 3.11+: fixed part; before: whole getsizeof
  std::uint32_t coroutine_base;    // as generator_base, for coroutines
  list_growth growth;
  list_prealloc prealloc;
  literal_build literal;
  instance_layout instances;
  list_extend extend;
  list_from_set from_set;
  // Displays of more items than this (0: none) are built by BUILD_LIST 0 and one
  // LIST_APPEND per item (Python/compile.c STACK_USE_GUIDELINE): non-constant items since
  // 3.10, constants too since 3.14 (they are folded later, in the flow graph).
  std::uint8_t display_appends_above;
  std::uint8_t literal_appends_above;
  split_prealloc split;
  dict_log2 dict_sizing;
  bool dict_call_table;         // dict() and dict.fromkeys() start with an 8-slot table (3.8, 3.9)
  bool set_display_adds;        // a display of constants adds its items one by one (3.8 BUILD_SET n)
  bool generator_handler;       // generator and coroutine frames keep 2+ stack slots for the
                                // StopIteration handler around their body (3.12+)
  std::int32_t small_int_high;  // the cached small ints are -5..this (1024 from 3.15)
  bool measured;                // false: built from the sources alone, every prediction assumed
};

// Every row: the platforms the model covers, in the order modelled_targets() lists them
// (64-bit oldest first, then wasm32). A new platform is a new row.
std::span<const layout_params> all_params();
// The row for a modelled target; nullptr otherwise.
const layout_params* find_params(cpython_target t);

// The GC header (PyGC_Head: two pointers) before every GC-capable object.
inline std::uint64_t gc(const layout_params& p) { return 2u * p.target.pointer_size; }

// A dict's keys object with 2**log2 slots (Objects/dictobject.c new_keys_object): header,
// index array (1 to 8 bytes per slot), and two thirds as many entries.
inline std::uint64_t dict_keys_size(const layout_params& p, unsigned log2, bool unicode) {
  const std::uint64_t slots = std::uint64_t{1} << log2;
  const std::uint64_t index = slots <= 0xFF ? 1 : slots <= 0xFFFF ? 2 : slots <= 0xFFFFFFFFull ? 4 : 8;
  const std::uint64_t usable = slots * 2 / 3;
  const std::uint64_t entry = (unicode && p.dict_unicode_entries ? 2u : 3u) * p.target.pointer_size;
  return p.dict_keys_header + slots * index + usable * entry;
}

}  // namespace bytewise::detail
