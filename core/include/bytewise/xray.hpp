// bytewise/xray.hpp: an object's real bytes in Pyodide's memory, decoded field by field.
//
// id(obj) is the object's address in Pyodide's linear memory. The worker copies bytes
// from there (web/xray.js); this decoder turns them into named fields for CPython 3.14 on
// wasm32 (the Pyodide this project ships): the allocator's chunk header, the GC header and
// pre-header before the object, refcount and type, then the type's own fields (sizes,
// item pointers, int digits, str state and text, dict tables, inline attribute values).
//
// Decoding asks for memory as it goes (a list's item array lives elsewhere; the type's
// name is a C string in static data): each call returns what it could decode and
// `wants`, the ranges to copy next. Call again with them until `wants` is empty.
//
// Sources: v3.14 Include/object.h, cpython/listobject.h, cpython/tupleobject.h,
// cpython/longintrepr.h, internal/pycore_long.h, cpython/unicodeobject.h,
// internal/pycore_dict.h, internal/pycore_object.h; Emscripten's dlmalloc (one 4-byte
// size word before each chunk, low 3 bits flags).
#pragma once

#include <bytewise/result.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bytewise {

struct memory_range {
  std::uint64_t address = 0;
  std::uint64_t length = 0;
};

struct memory_region {
  std::uint64_t address = 0;
  std::vector<std::uint8_t> bytes;
};

// What the snapshot knows about the object to decode.
struct xray_subject {
  std::uint64_t address = 0;  // id(obj)
  std::string type_name;      // type(obj).__qualname__, to check the memory still holds it
  std::uint64_t shape = 0;    // the snapshot's shape word (family and facts)
  std::uint64_t getsizeof = 0;
  std::uint64_t length = 0;  // len(obj) where it has one
  std::uint32_t flags = 0;   // node_flag bits (immortal, ...)
  platform_info platform;
};

struct xray_field {
  std::uint64_t address = 0;
  std::uint32_t size = 0;       // bytes
  std::string name;             // "ob_refcnt", "ob_item[2]", "digit[0]"
  std::string value;            // decoded, for people: "3", "0x01754990", "'hello'"
  std::uint64_t points_to = 0;  // for pointers: the address (0: none or not a pointer)
  std::string note;             // "immortal (static)", "type list", "id of item 2"...
};

// One contiguous block: the object's allocation, or a block it owns (a list's items).
struct xray_block {
  std::string name;           // "list object", "item array", "dict keys", "type name"
  std::uint64_t address = 0;  // where the bytes start (the malloc chunk's user data)
  std::vector<std::uint8_t> bytes;
  std::uint64_t allocated = 0;  // dlmalloc chunk size; 0 when not a heap block
  std::uint64_t requested = 0;  // bytes CPython asked for, where known; 0 otherwise
  std::string allocation;       // how the block was allocated, in words
  std::vector<xray_field> fields;
};

struct xray_result {
  std::vector<memory_range> wants;  // copy these and call again
  std::vector<xray_block> blocks;
  std::vector<diagnostic> problems;  // what could not be decoded, and why
  bool complete() const { return wants.empty(); }
};

// Decodes as much as `memory` allows. Safe for any bytes: every read is bounds-checked
// and every pointer is only followed by asking for it.
xray_result xray(const xray_subject& subject, const std::vector<memory_region>& memory);

// The subject for node `node` of a snapshot.
xray_subject xray_subject_of(const snapshot& snap, std::uint32_t node);

}  // namespace bytewise
