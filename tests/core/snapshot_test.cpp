// Tests for bytewise/snapshot.hpp: the format round-trips, and no truncation or
// corruption crashes the reader. Each diagnostic's text is tested in
// snapshot_reader_test.cpp.
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "snapshot_fixture.hpp"

namespace bytewise {
namespace {

using testing::small_snapshot;

TEST(snapshot, round_trips_every_field) {
  snapshot original = small_snapshot();
  auto bytes = write_snapshot(original);
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(read.ok()) << testing::all_errors(read);
  const snapshot& s = read.value();
  EXPECT_EQ(s.platform.pointer_size, 4);
  EXPECT_EQ(s.platform.python_minor, 14);
  EXPECT_EQ(s.platform.python_micro, 2);
  EXPECT_EQ(s.platform.runtime, "Pyodide 314.0.7");
  EXPECT_EQ(s.platform.machine, "emscripten-wasm32");
  EXPECT_EQ(s.platform.python_version, "3.14.2 (main) [Clang 20]");
  EXPECT_TRUE(s.capture.small_ints_probed);
  EXPECT_FALSE(s.capture.interned_known);
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
  ASSERT_TRUE(read.ok()) << testing::all_errors(read);
  EXPECT_EQ(read->graph.node_count(), 0u);
  EXPECT_TRUE(read->roots.empty());
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

}  // namespace
}  // namespace bytewise
