// A tiny CPython 3.14 wasm32 heap image for the heap walker's tests and fuzzer: type objects
// with the fields the walker reads, and objects laid out at the offsets of
// core/src/object_offsets.cpp. Builds x = [1.5, "hi", x] (a list holding a float, an ASCII
// str and itself) unless told otherwise.
#pragma once

#include <bytewise/heap_walk.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

namespace bytewise::test {

struct heap_image {
  static constexpr std::uint64_t base = 0x1000;
  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(0x1000, 0);
  walk_setup setup;
  std::uint64_t list = 0, real = 0, text = 0, items = 0;

  void put32(std::uint64_t address, std::uint32_t v) { std::memcpy(&bytes[address - base], &v, 4); }
  void put64(std::uint64_t address, double v) { std::memcpy(&bytes[address - base], &v, 8); }

  // A static type object at `at`: tp_name (a C string placed after it), sizes and flags.
  void type(std::uint64_t at, known_type k, const char* name, std::uint32_t basic, std::uint32_t item,
            std::uint32_t flags) {
    put32(at + 4, 0x1100);  // ob_type: type
    put32(at + 12, static_cast<std::uint32_t>(at + 0x80));
    std::memcpy(&bytes[at + 0x80 - base], name, std::strlen(name) + 1);
    put32(at + 16, basic);
    put32(at + 20, item);
    put32(at + 84, flags);
    setup.types[static_cast<std::size_t>(k)] = at;
  }

  heap_image() {
    setup.platform.pointer_size = 4;
    setup.platform.python_major = 3;
    setup.platform.python_minor = 14;
    setup.platform.implementation = "CPython";
    // Every known type gets an address; those the image uses get fields.
    for (std::size_t k = 0; k < known_type_count; ++k) setup.types[k] = 0xF00 + 4 * k;
    type(0x1100, known_type::type, "type", 208, 20, (1u << 14));
    type(0x1200, known_type::list, "list", 20, 0, (1u << 14));
    type(0x1300, known_type::float_, "float", 16, 0, 0);
    type(0x1400, known_type::str, "str", 20, 0, 0);
    type(0x1500, known_type::object, "object", 8, 0, 0);
    // x = [1.5, "hi", x]: a GC object (8-byte header before it), its item array, a float, a str.
    list = 0x1808;
    items = 0x1840;
    real = 0x1900;
    text = 0x1A00;
    put32(list + 0, 1);  // ob_refcnt
    put32(list + 4, 0x1200);
    put32(list + 8, 3);  // ob_size
    put32(list + 12, static_cast<std::uint32_t>(items));
    put32(list + 16, 4);   // allocated
    put32(list - 8, 0x1);  // _gc_next: tracked
    put32(items + 0, static_cast<std::uint32_t>(real));
    put32(items + 4, static_cast<std::uint32_t>(text));
    put32(items + 8, static_cast<std::uint32_t>(list));
    put32(real + 0, 2);
    put32(real + 4, 0x1300);
    put64(real + 8, 1.5);
    put32(text + 0, 1);
    put32(text + 4, 0x1400);
    put32(text + 8, 2);                                   // length
    put32(text + 12, 0xFFFFFFFF);                         // hash: not computed
    put32(text + 16, (1u << 2) | (1u << 5) | (1u << 6));  // kind 1, compact, ascii
    std::memcpy(&bytes[text + 20 - base], "hi", 3);
    setup.roots = {{"x", list}};
    setup.small_int_min = -5;
    setup.small_int_max = 256;
    setup.object_cap = 100;
    setup.edge_cap = 100;
  }

  // More objects, past the image's own (at 0x2000 and up, the memory growing to hold them).
  std::uint64_t next_free = 0x2008;
  std::uint64_t take(std::uint64_t n) {
    const std::uint64_t at = next_free;
    next_free += (n + 15) / 16 * 16 + 8;  // room for the next object's GC header
    if (next_free - base > bytes.size()) bytes.resize(next_free - base + 0x1000, 0);
    return at;
  }
  std::uint64_t add_float(double v) {
    const std::uint64_t at = take(16);
    put32(at, 1);
    put32(at + 4, 0x1300);
    put64(at + 8, v);
    return at;
  }
  std::uint64_t add_list(const std::vector<std::uint64_t>& items_of) {
    const std::uint64_t at = take(20);
    const std::uint64_t array = take(4 * items_of.size());
    put32(at, 1);
    put32(at + 4, 0x1200);
    put32(at + 8, static_cast<std::uint32_t>(items_of.size()));
    put32(at + 12, static_cast<std::uint32_t>(array));
    put32(at + 16, static_cast<std::uint32_t>(items_of.size()));
    put32(at - 8, 0x1);
    for (std::size_t i = 0; i < items_of.size(); ++i) put32(array + 4 * i, static_cast<std::uint32_t>(items_of[i]));
    return at;
  }

  copied_heap view() const { return copied_heap(base, bytes); }
};

}  // namespace bytewise::test
