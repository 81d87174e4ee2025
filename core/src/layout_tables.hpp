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
