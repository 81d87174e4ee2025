// Tests for bytewise/snapshot.hpp: the format round-trips, and the reader turns every
// kind of bad input into diagnostics that name the problem and its byte offset.
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace bytewise {
namespace {

snapshot small_snapshot() {
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
std::size_t directory_entry(const std::vector<std::uint8_t>& bytes, const char* tag) {
  std::uint32_t count;
  std::memcpy(&count, bytes.data() + 12, 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t at = 16 + i * 16;
    if (std::memcmp(bytes.data() + at, tag, 4) == 0) return at;
  }
  ADD_FAILURE() << "no section " << tag;
  return 0;
}

std::uint32_t section_offset(const std::vector<std::uint8_t>& bytes, const char* tag) {
  std::uint32_t offset;
  std::memcpy(&offset, bytes.data() + directory_entry(bytes, tag) + 4, 4);
  return offset;
}

void put_u32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value) {
  std::memcpy(bytes.data() + at, &value, 4);
}

bool has_code(const result<snapshot>& r, const std::string& code) {
  if (r.ok()) return false;
  return std::any_of(r.errors().begin(), r.errors().end(),
                     [&](const diagnostic& d) { return d.code == code; });
}

std::string all_errors(const result<snapshot>& r) {
  std::string out;
  if (!r.ok()) {
    for (const auto& d : r.errors()) out += to_string(d) + "\n";
  }
  return out;
}

TEST(snapshot, round_trips_every_field) {
  snapshot original = small_snapshot();
  auto bytes = write_snapshot(original);
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(read.ok()) << all_errors(read);
  const snapshot& s = read.value();
  EXPECT_EQ(s.platform.pointer_size, 4);
  EXPECT_EQ(s.platform.python_minor, 14);
  EXPECT_EQ(s.platform.python_micro, 2);
  EXPECT_EQ(s.platform.runtime, "Pyodide 314.0.7");
  EXPECT_EQ(s.platform.machine, "emscripten-wasm32");
  EXPECT_EQ(s.platform.python_version, "3.14.2 (main) [Clang 20]");
  EXPECT_TRUE(s.capture.small_ints_probed);
  EXPECT_EQ(s.capture.small_int_min, -5);
  EXPECT_EQ(s.capture.small_int_max, 256);
  EXPECT_EQ(s.capture.object_cap, 200000u);
  ASSERT_EQ(s.graph.node_count(), 3u);
  ASSERT_EQ(s.graph.edge_count(), 3u);
  EXPECT_EQ(s.graph.address, original.graph.address);
  EXPECT_EQ(s.graph.shallow, original.graph.shallow);
  EXPECT_EQ(s.graph.length[0], 3u);
  EXPECT_EQ(s.graph.flags, original.graph.flags);
  EXPECT_EQ(s.strings.at(s.graph.type[2]), "str");
  EXPECT_EQ(s.strings.at(s.graph.label[2]), "hello");
  EXPECT_EQ(s.graph.label[0], no_string);
  EXPECT_EQ(s.graph.edge_offsets, (std::vector<std::uint32_t>{0, 3, 3, 3}));
  EXPECT_EQ(s.graph.edge_target, (std::vector<std::uint32_t>{1, 2, 1}));
  EXPECT_EQ(s.graph.edge_label, (std::vector<std::uint32_t>{0, 1, 2}));
  ASSERT_EQ(s.roots.size(), 1u);
  EXPECT_EQ(s.strings.at(s.roots[0].name), "x");
  EXPECT_EQ(s.roots[0].node, 0u);
  EXPECT_EQ(write_snapshot(s), bytes);
}

TEST(snapshot, reads_an_empty_capture) {
  auto read = read_snapshot(write_snapshot(std::move(snapshot_builder()).build()));
  ASSERT_TRUE(read.ok()) << all_errors(read);
  EXPECT_EQ(read->graph.node_count(), 0u);
  EXPECT_TRUE(read->roots.empty());
}

TEST(snapshot, rejects_empty_input_with_a_sentence) {
  auto read = read_snapshot({});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "snapshot.too_short");
  EXPECT_EQ(read.errors()[0].offset, 0u);
  EXPECT_NE(read.errors()[0].message.find("16-byte header"), std::string::npos);
}

TEST(snapshot, rejects_data_that_is_not_a_snapshot) {
  std::string json = R"({"nodes": [1, 2, 3], "edges": []})";
  auto read = read_snapshot({reinterpret_cast<const std::uint8_t*>(json.data()), json.size()});
  EXPECT_TRUE(has_code(read, "snapshot.bad_magic"));
}

TEST(snapshot, rejects_a_newer_major_version_and_says_which) {
  auto bytes = write_snapshot(small_snapshot());
  bytes[8] = 2;
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.unsupported_version"));
  EXPECT_NE(read.errors()[0].message.find("format 2.0"), std::string::npos);
}

TEST(snapshot, rejects_every_truncation_without_crashing) {
  auto bytes = write_snapshot(small_snapshot());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    auto read = read_snapshot(cut);
    EXPECT_FALSE(read.ok()) << "accepted a snapshot cut to " << n << " bytes";
  }
}

TEST(snapshot, survives_every_single_byte_corruption) {
  auto bytes = write_snapshot(small_snapshot());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0x7F}, std::uint8_t{0xFF}}) {
      auto changed = bytes;
      changed[i] = value;
      auto read = read_snapshot(changed);
      if (read.ok()) {
        // Accepted input must be internally consistent.
        const auto& g = read->graph;
        for (std::uint32_t e = 0; e < g.edge_count(); ++e) ASSERT_LT(g.edge_target[e], g.node_count());
        for (const auto& r : read->roots) ASSERT_LT(r.node, g.node_count());
      } else {
        for (const auto& d : read.errors()) {
          EXPECT_FALSE(d.code.empty());
          EXPECT_FALSE(d.message.empty());
        }
      }
    }
  }
}

TEST(snapshot, names_the_edge_that_points_outside_the_graph) {
  auto bytes = write_snapshot(small_snapshot());
  std::uint32_t targets = section_offset(bytes, "ETGT");
  put_u32(bytes, targets + 4, 912);
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.bad_edge_target")) << all_errors(read);
  const diagnostic& d = read.errors()[0];
  EXPECT_EQ(d.offset, targets + 4u);
  EXPECT_EQ(d.message, "Edge 1 points to object 912, but there are only 3 objects.");
}

TEST(snapshot, refuses_a_huge_count_without_allocating_it) {
  auto bytes = write_snapshot(small_snapshot());
  put_u32(bytes, section_offset(bytes, "META"), 0xFFFFFFF0u);
  auto read = read_snapshot(bytes);
  EXPECT_TRUE(has_code(read, "snapshot.over_cap")) << all_errors(read);
  EXPECT_TRUE(has_code(read, "snapshot.bad_column_size")) << all_errors(read);
}

TEST(snapshot, rejects_invalid_utf8_in_the_string_table) {
  snapshot_builder b;
  auto n = b.add_node("str", 30, 1);
  b.set_label(n, "caf\xC3\xA9");
  b.add_root("s", n);
  auto bytes = write_snapshot(std::move(b).build());
  const std::vector<std::uint8_t> needle = {'c', 'a', 'f', 0xC3};
  auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  ASSERT_NE(at, bytes.end());
  at[3] = 0xC0;  // an overlong lead byte
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.bad_strings")) << all_errors(read);
  EXPECT_NE(read.errors()[0].message.find("not valid UTF-8"), std::string::npos);
}

TEST(snapshot, rejects_overlapping_sections) {
  auto bytes = write_snapshot(small_snapshot());
  std::size_t entry = directory_entry(bytes, "NTYP");
  put_u32(bytes, entry + 4, section_offset(bytes, "NADR"));
  EXPECT_TRUE(has_code(read_snapshot(bytes), "snapshot.overlapping_sections"));
}

TEST(snapshot, reports_a_missing_section) {
  auto bytes = write_snapshot(small_snapshot());
  std::memcpy(bytes.data() + directory_entry(bytes, "ROOT"), "RXXT", 4);
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.missing_section"));
  EXPECT_NE(read.errors()[0].message.find("ROOT"), std::string::npos);
}

TEST(snapshot, rejects_edge_offsets_that_go_backwards) {
  auto bytes = write_snapshot(small_snapshot());
  put_u32(bytes, section_offset(bytes, "EOFF") + 4, 4);
  EXPECT_TRUE(has_code(read_snapshot(bytes), "snapshot.bad_edge_offsets"));
}

TEST(snapshot, rejects_an_unknown_edge_kind) {
  auto bytes = write_snapshot(small_snapshot());
  bytes[section_offset(bytes, "EKND")] = 200;
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.bad_edge_kind"));
  EXPECT_NE(read.errors()[0].message.find("unknown kind 200"), std::string::npos);
}

TEST(snapshot, rejects_a_root_outside_the_graph) {
  auto bytes = write_snapshot(small_snapshot());
  put_u32(bytes, section_offset(bytes, "ROOT") + 4, 3);
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(has_code(read, "snapshot.bad_root"));
  EXPECT_EQ(read.errors()[0].message, "Root 'x' refers to object 3, but there are only 3 objects.");
}

TEST(snapshot, caps_the_number_of_diagnostics) {
  snapshot_builder b;
  auto a = b.add_node("list", 100, 1);
  for (std::uint32_t i = 0; i < 500; ++i) b.add_edge(a, a, edge_kind::index, i);
  auto bytes = write_snapshot(std::move(b).build());
  std::uint32_t targets = section_offset(bytes, "ETGT");
  for (std::uint32_t i = 0; i < 500; ++i) put_u32(bytes, targets + i * 4, 7 + i);
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors().size(), 9u);  // 8 listed + "492 more"
  EXPECT_EQ(read.errors().back().message, "492 more bad values in ETGT were not listed.");
}

}  // namespace
}  // namespace bytewise
