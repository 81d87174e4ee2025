// Tests for bytewise/breakdown.hpp: per-type totals and the top-N lists.
#include <bytewise/analysis.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

TEST(breakdown, groups_reachable_objects_by_type) {
  snapshot_builder b;
  auto l = b.add_node("list", 60, 1);
  for (std::uint32_t i = 0; i < 4; ++i) b.add_edge(l, b.add_node("float", 16, 10 + i), edge_kind::index, i);
  b.add_node("str", 5000, 99);  // unreachable: not counted
  b.add_root("xs", l);
  analysis a = analyze(std::move(b).build());
  ASSERT_EQ(a.types.size(), 2u);
  EXPECT_EQ(a.types[0].type, "float");
  EXPECT_EQ(a.types[0].objects, 4u);
  EXPECT_EQ(a.types[0].bytes, 64u);
  EXPECT_EQ(a.types[1].type, "list");
  EXPECT_EQ(a.types[1].bytes, 60u);
}

TEST(breakdown, ranks_objects_by_shallow_retained_and_deep) {
  // outer -> inner -> big ; outer -> small
  snapshot_builder b;
  auto outer = b.add_node("list", 40, 1), inner = b.add_node("list", 36, 2);
  auto big = b.add_node("str", 1000, 3), small = b.add_node("float", 16, 4);
  b.add_edge(outer, inner, edge_kind::index, 0u);
  b.add_edge(outer, small, edge_kind::index, 1u);
  b.add_edge(inner, big, edge_kind::index, 0u);
  b.add_root("outer", outer);
  analysis_options options;
  options.top_n = 2;
  analysis a = analyze(std::move(b).build(), options);
  ASSERT_EQ(a.top_shallow.size(), 2u);
  EXPECT_EQ(a.top_shallow[0].node, big);
  EXPECT_EQ(a.top_shallow[1].node, outer);
  ASSERT_EQ(a.top_deep.size(), 2u);
  EXPECT_EQ(a.top_deep[0].node, outer);
  EXPECT_EQ(a.top_deep[0].bytes, 1092u);
  EXPECT_EQ(a.top_deep[1].node, inner);
  EXPECT_EQ(a.top_deep[1].bytes, 1036u);
  EXPECT_TRUE(a.top_deep[1].exact);
  ASSERT_EQ(a.top_retained.size(), 2u);
  EXPECT_EQ(a.top_retained[0].bytes, 1092u);
  EXPECT_EQ(a.top_retained[1].bytes, 1036u);
}

TEST(breakdown, top_lists_can_be_empty) {
  analysis_options none;
  none.top_n = 0;
  analysis a = analyze(testing::random_snapshot(3), none);
  EXPECT_TRUE(a.top_shallow.empty());
  EXPECT_TRUE(a.top_deep.empty());
  EXPECT_TRUE(a.top_retained.empty());
  EXPECT_TRUE(a.sizes.repeated.empty());
}

TEST(breakdown, largest_by_deep_equals_brute_force_on_random_graphs) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    snapshot snap = testing::random_snapshot(seed, 40);
    followed_graph g = follow(snap, {});
    components c = strongly_connected(g);
    std::vector<std::uint64_t> deep;
    for (std::uint32_t v : c.nodes) deep.push_back(testing::bytes_of(snap, testing::reachable(g, {v})));
    std::sort(deep.rbegin(), deep.rend());
    auto top = largest_by_deep(snap, g, c, 5);
    ASSERT_EQ(top.size(), std::min<std::size_t>(5, deep.size())) << "seed " << seed;
    for (std::size_t i = 0; i < top.size(); ++i) {
      ASSERT_TRUE(top[i].exact);
      ASSERT_EQ(top[i].bytes, deep[i]) << "seed " << seed << " rank " << i;
      ASSERT_EQ(top[i].bytes, testing::bytes_of(snap, testing::reachable(g, {top[i].node})));
    }
  }
}

TEST(breakdown, largest_by_deep_marks_bounds_when_its_work_limit_stops_it) {
  snapshot snap = testing::random_snapshot(7, 60);
  followed_graph g = follow(snap, {});
  components c = strongly_connected(g);
  auto top = largest_by_deep(snap, g, c, 10, 1);
  ASSERT_FALSE(top.empty());
  bool any_bound = false;
  for (const ranked_object& r : top) {
    std::uint64_t exact = testing::bytes_of(snap, testing::reachable(g, {r.node}));
    if (r.exact) {
      EXPECT_EQ(r.bytes, exact);
    } else {
      any_bound = true;
      EXPECT_GE(r.bytes, exact);
    }
  }
  EXPECT_TRUE(any_bound);
}

}  // namespace
}  // namespace bytewise
