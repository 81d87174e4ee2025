// bytewise/allocation.hpp: the memory an object really takes from the allocator, per
// platform: which blocks it asked for (the object, and a list's item array, a dict's keys
// table, a set's table, a buffer, a str's cached UTF-8 form) and what the allocator
// reserved for each.
//
//   64-bit CPython   pymalloc serves requests of 1 to 512 bytes from 16-byte size classes
//                    (Objects/obmalloc.c, Include/internal/pycore_obmalloc.h: ALIGNMENT 16,
//                    SMALL_REQUEST_THRESHOLD 512, the same on 3.8 to 3.14); anything else
//                    goes to glibc malloc: chunk = max(32, round_up(n + 8, 16)), and a chunk
//                    of 128 KiB or more is mapped to its own pages when the heap has no room.
//   Pyodide (wasm32) built --without-pymalloc, so every request is Emscripten's dlmalloc:
//                    chunk = max(16, round_up(n + 4, 8)) (one 4-byte size word per chunk).
//
// A chunk reused from a free list can be a little larger than a fresh one (the allocator
// hands out the whole chunk when the remainder would be too small to split off): up to 16
// bytes on glibc, 8 on dlmalloc. The model gives the fresh size.
//
// tests/core/allocation_test.cpp checks every number against fixtures measured on real
// interpreters (tools/measure-layouts.mjs): the sizes tracemalloc saw each fresh object
// request, the chunk sizes the allocators handed out, and which objects are static.
#pragma once

#include <bytewise/layout_model.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bytewise {

struct allocator_facts {
  std::string_view name;          // "pymalloc + glibc malloc", "dlmalloc (Emscripten)"
  std::uint32_t small_threshold;  // pymalloc serves 1..this many bytes; 0: no pymalloc
  std::uint32_t small_alignment;  // spacing of pymalloc's size classes
  std::uint32_t pool_size;        // pymalloc pool (0: no pymalloc)
  std::uint32_t arena_size;       // pymalloc arena (0: no pymalloc)
  std::uint32_t chunk_header;     // bytes malloc keeps before each block
  std::uint32_t chunk_alignment;  // malloc chunk sizes are multiples of this
  std::uint32_t min_chunk;        // the smallest chunk malloc hands out
  std::uint32_t reuse_slack;      // how much larger a reused chunk may be
  std::uint64_t mmap_threshold;   // chunks this large may get their own pages (0: never)
  std::uint32_t page_size;
  // The chunk header is one size word just before the block (chunk_header bytes); its low
  // bits are flags, not size. in_use_flag is the flag that says this chunk is handed out
  // (dlmalloc's CINUSE_BIT); 0 where the header alone does not say (glibc keeps it in the
  // next chunk's header).
  std::uint32_t size_flag_bits;  // mask of the flag bits
  std::uint32_t in_use_flag;
};
allocator_facts allocator_of(cpython_target t);

struct reservation {
  std::uint64_t bytes = 0;  // reserved for one fresh request, the allocator's header included
  prediction_status status = prediction_status::exact;  // assumed for glibc's mapped chunks
  std::string_view how;                                 // "pymalloc size class", "glibc chunk", ...
};
// What the allocator on `t` reserves for a request of `request` bytes
// (PyObject_Malloc / PyMem_Malloc).
reservation reserve(cpython_target t, std::uint64_t request);

// The bytes CPython asks the allocator for the object's own block on `t` (the object with its
// GC header and pre-header, without side blocks such as a list's item array), from the facts
// a snapshot holds about it: its shape word, length and sys.getsizeof on `t`. nullopt where
// those facts do not settle it: an int (arithmetic can leave a spare digit), an instance with
// a __dict__ (inline values sized by the class's history), types without a rule.
std::optional<std::uint64_t> object_request(cpython_target t, std::uint64_t shape, std::uint64_t length,
                                            std::uint64_t getsizeof);

enum class block_role : std::uint8_t {
  object,  // the object itself, with its GC header and pre-header
  items,   // a list's item array
  keys,    // a dict's keys table (hash index and entries)
  table,   // a set's hash table once it outgrows the 8 slots inside the object
  buffer,  // bytearray or array.array data
  utf8,    // a str's cached UTF-8 form
  dict,    // 3.8-3.10: an instance's __dict__ object (predict_instance_dicts)
  values,  // 3.8-3.10: that __dict__'s values array
};
std::string_view to_string(block_role r);

struct memory_block {
  block_role role = block_role::object;
  std::uint64_t request = 0;   // bytes asked of the allocator
  std::uint64_t reserved = 0;  // what the allocator set aside for them
};

struct allocation {
  prediction_status status = prediction_status::not_modelled;
  std::string_view rule;   // why not modelled, or what was assumed
  bool is_static = false;  // the interpreter's static data: no block at all
  std::uint8_t count = 0;  // blocks used below
  std::array<memory_block, 3> blocks{};
  std::uint64_t requested() const;
  std::uint64_t reserved() const;
};

// The blocks node `node` of a snapshot taken on a modelled platform takes on `target` (the
// snapshot's own platform included: its sizes are measured, the split into blocks is the
// model's). An instance's __dict__ on 3.8-3.10, which the snapshot does not hold, is two more
// blocks of the instance's: pass its entry of predict_instance_dicts(snap, target) as
// `instance_dict` (without it such an instance is not modelled). Precondition:
// node < node_count().
allocation predict_allocation(const snapshot& snap, std::uint32_t node, cpython_target target,
                              prediction_hints hints = {}, const prediction* instance_dict = nullptr);

}  // namespace bytewise
