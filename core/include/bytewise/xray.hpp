// bytewise/xray.hpp: an object's real bytes in Pyodide's memory, decoded field by field.
//
// id(obj) is the object's address in Pyodide's linear memory. The caller copies bytes from
// there (the page's worker or Node: web/xray.js); this decoder turns them into named fields:
// the allocator's chunk header, the GC header and pre-header before the object, refcount
// and type, then the type's own fields (sizes, item pointers, int digits, str state and
// text, dict tables, inline attribute values).
//
// Decoding asks for memory as it goes (a list's item array lives elsewhere; the type's
// name is a C string in static data): each call returns what it could decode and `wants`,
// the ranges to copy next. Answer each wanted range with a memory_region at its address and
// call again with everything so far, until `wants` is empty (xray_max_rounds at most).
//
// Where each field sits comes from the core's table of object offsets per platform
// (core/src/object_offsets.cpp); the chunk header and what a request costs from the
// allocation model (allocation.hpp). Platforms without a row are refused, with a reason.
//
// Every string in the result is well-formed UTF-8: bytes that are not (a bytes object's
// b'\xff', a surrogate in a str, a cut inside a character) are written as escapes.
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

// The answer to one wanted range. Fewer bytes than `length` means the rest of the range is
// not readable memory (past the end of the heap): the decoder says so instead of asking again.
struct memory_region {
  std::uint64_t address = 0;
  std::vector<std::uint8_t> bytes;
  std::uint64_t length = 0;  // the length asked for; 0: as many as `bytes` holds
};

// Rounds of asking and answering a decode may take; callers stop after this many.
inline constexpr int xray_max_rounds = 8;

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
  std::uint64_t allocated = 0;  // the allocator's chunk size; 0 when not a heap block
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

// Decodes as much as `memory` allows. Safe for any bytes: every read is bounds-checked,
// every pointer is only followed by asking for it, and nothing past the platform's address
// space or past memory that was answered short is asked for.
xray_result xray(const xray_subject& subject, const std::vector<memory_region>& memory);

// The subject for node `node` of a snapshot.
xray_subject xray_subject_of(const snapshot& snap, std::uint32_t node);

}  // namespace bytewise
