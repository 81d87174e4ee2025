// Tests for bytewise/cycles.hpp: components equal mutual reachability, are numbered
// sinks first, and the cyclic ones are exactly the reference cycles.
#include <bytewise/cycles.hpp>

#include <gtest/gtest.h>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

TEST(components, match_mutual_reachability_on_random_graphs) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    snapshot snap = testing::random_snapshot(seed);
    followed_graph g = follow(snap, {});
    components c = strongly_connected(g);
    auto from_roots = testing::reachable(g, g.root_nodes);
    const std::uint32_t n = g.node_count();
    std::vector<std::vector<std::uint8_t>> reach(n);
    for (std::uint32_t v = 0; v < n; ++v) reach[v] = testing::reachable(g, {v});
    for (std::uint32_t v = 0; v < n; ++v) {
      ASSERT_EQ(c.of[v] != no_node, from_roots[v] != 0) << "seed " << seed;
      if (c.of[v] == no_node) continue;
      for (std::uint32_t w = 0; w < n; ++w) {
        if (c.of[w] == no_node) continue;
        bool together = reach[v][w] && reach[w][v];
        ASSERT_EQ(c.of[v] == c.of[w], together) << "seed " << seed << " " << v << " " << w;
      }
      for (std::uint32_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
        ASSERT_GE(c.of[v], c.of[g.targets[e]]) << "edges go from higher to lower components";
      }
    }
    for (std::uint32_t k = 0; k < c.count(); ++k) {
      std::uint32_t first = c.nodes[c.offsets[k]];
      bool self_loop = false;
      for (std::uint32_t e = g.offsets[first]; e < g.offsets[first + 1]; ++e) {
        self_loop |= g.targets[e] == first;
      }
      ASSERT_EQ(c.cyclic[k] != 0, c.size(k) > 1 || self_loop) << "seed " << seed;
    }
  }
}

TEST(cycles, are_listed_largest_first) {
  snapshot_builder b;
  auto a = b.add_node("list", 10, 1), a2 = b.add_node("list", 10, 2);
  auto big = b.add_node("list", 500, 3);
  auto plain = b.add_node("list", 1000, 4);
  b.add_edge(a, a2, edge_kind::index, 0u);
  b.add_edge(a2, a, edge_kind::index, 0u);
  b.add_edge(big, big, edge_kind::index, 0u);
  b.add_root("a", a);
  b.add_root("big", big);
  b.add_root("plain", plain);
  snapshot snap = std::move(b).build();
  components c = strongly_connected(follow(snap, {}));
  auto cycles = find_cycles(c, snap.graph);
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0].bytes, 500u);
  EXPECT_EQ(cycles[0].objects, 1u);
  EXPECT_EQ(cycles[1].bytes, 20u);
  EXPECT_EQ(cycles[1].objects, 2u);
}

TEST(components, survive_a_cycle_100000_long) {
  snapshot_builder b;
  constexpr std::uint32_t n = 100000;
  for (std::uint32_t i = 0; i < n; ++i) b.add_node("list", 32, i + 1);
  for (std::uint32_t i = 0; i < n; ++i) b.add_edge(i, (i + 1) % n, edge_kind::index, 0u);
  b.add_root("ring", 0);
  snapshot snap = std::move(b).build();
  components c = strongly_connected(follow(snap, {}));
  ASSERT_EQ(c.count(), 1u);
  EXPECT_EQ(c.size(0), n);
  EXPECT_EQ(c.cyclic[0], 1u);
}

}  // namespace
}  // namespace bytewise
