// A small, fixed snapshot for reader tests, and helpers to find and patch its sections
// (its string table holds 10 strings: list, int, 1, str, hello, x, and the 4 platform
// strings the writer adds).
#pragma once

#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace bytewise::testing {

// x = [1, "hello", 1] as Pyodide 314 would capture it.
inline snapshot small_snapshot() {
  platform_info p;
  p.pointer_size = 4;
  p.python_major = 3;
  p.python_minor = 14;
  p.python_micro = 2;
  p.implementation = "CPython";
  p.python_version = "3.14.2 (main) [Clang 20]";
  p.runtime = "Pyodide 314.0.7";
  p.machine = "emscripten-wasm32";
  snapshot_builder b(p);
  auto list = b.add_node("list", 44, 0x1000, node_flag::gc_tracked);
  b.set_length(list, 3);
  auto one = b.add_node("int", 16, 0x2000, node_flag::small_int | node_flag::immortal);
  b.set_label(one, "1");
  auto text = b.add_node("str", 26, 0x3000);
  b.set_label(text, "hello");
  b.add_edge(list, one, edge_kind::index, 0u);
  b.add_edge(list, text, edge_kind::index, 1u);
  b.add_edge(list, one, edge_kind::index, 2u);
  b.add_root("x", list);
  b.capture().small_ints_probed = true;
  b.capture().small_int_min = -5;
  b.capture().small_int_max = 256;
  b.capture().object_cap = 200000;
  return std::move(b).build();
}

// Offset of a section's directory entry, found by its tag.
inline std::size_t directory_entry(const std::vector<std::uint8_t>& bytes, const char* tag) {
  std::uint32_t count;
  std::memcpy(&count, bytes.data() + 12, 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t at = 16 + i * 16;
    if (std::memcmp(bytes.data() + at, tag, 4) == 0) return at;
  }
  ADD_FAILURE() << "no section " << tag;
  return 0;
}

inline std::uint32_t section_offset(const std::vector<std::uint8_t>& bytes, const char* tag) {
  std::uint32_t offset;
  std::memcpy(&offset, bytes.data() + directory_entry(bytes, tag) + 4, 4);
  return offset;
}

inline void put_u32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value) {
  std::memcpy(bytes.data() + at, &value, 4);
}

inline bool has_code(const result<snapshot>& r, const std::string& code) {
  if (r.ok()) return false;
  for (const diagnostic& d : r.errors()) {
    if (d.code == code) return true;
  }
  return false;
}

inline std::string all_errors(const result<snapshot>& r) {
  std::string out;
  if (!r.ok()) {
    for (const auto& d : r.errors()) out += to_string(d) + "\n";
  }
  return out;
}

}  // namespace bytewise::testing
