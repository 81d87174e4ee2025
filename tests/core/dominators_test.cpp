// Tests for bytewise/dominators.hpp: retained sizes, exact on hand-built graphs and equal
// to "delete it and count what becomes unreachable" on hundreds of random graphs.
#include <bytewise/analysis.hpp>

#include <gtest/gtest.h>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

TEST(retained, of_a_chain_is_everything_below) {
  snapshot_builder b;
  auto a = b.add_node("list", 10, 1), c = b.add_node("list", 20, 2), d = b.add_node("str", 40, 3);
  b.add_edge(a, c, edge_kind::index, 0u);
  b.add_edge(c, d, edge_kind::index, 0u);
  b.add_root("a", a);
  analysis x = analyze(std::move(b).build());
  EXPECT_EQ(x.dom.retained[a], 70u);
  EXPECT_EQ(x.dom.retained[c], 60u);
  EXPECT_EQ(x.dom.retained[d], 40u);
  EXPECT_EQ(x.dom.root_retained[0], 70u);
  EXPECT_EQ(x.dom.idom[d], c);
  EXPECT_EQ(x.dom.idom[c], a);
  EXPECT_EQ(x.dom.idom[a], dominator_tree::root_marker + 0);
}

TEST(retained, of_a_diamond_side_excludes_the_shared_bottom) {
  auto [snap, top, left, right, bottom] = testing::diamond();
  analysis x = analyze(snap);
  EXPECT_EQ(x.dom.retained[left], 20u);
  EXPECT_EQ(x.dom.retained[right], 40u);
  EXPECT_EQ(x.dom.retained[top], 150u);
  EXPECT_EQ(x.dom.idom[bottom], top);
}

TEST(retained, of_a_variable_is_zero_when_another_names_the_same_object) {
  // a = b = [1.5]: deleting either name frees nothing.
  snapshot_builder b;
  auto l = b.add_node("list", 32, 1), f = b.add_node("float", 16, 2);
  b.add_edge(l, f, edge_kind::index, 0u);
  b.add_root("a", l);
  b.add_root("b", l);
  analysis x = analyze(std::move(b).build());
  EXPECT_EQ(x.dom.root_retained[0], 0u);
  EXPECT_EQ(x.dom.root_retained[1], 0u);
  EXPECT_EQ(x.dom.retained[l], 48u);
  EXPECT_EQ(x.dom.idom[l], dominator_tree::super_root);
}

TEST(retained, leaves_out_what_another_root_also_reaches) {
  snapshot_builder b;
  auto big = b.add_node("str", 10000, 1);
  auto holder = b.add_node("list", 36, 2), own = b.add_node("float", 16, 3);
  b.add_edge(holder, big, edge_kind::index, 0u);
  b.add_edge(holder, own, edge_kind::index, 1u);
  b.add_root("holder", holder);
  b.add_root("big", big);
  analysis x = analyze(std::move(b).build());
  EXPECT_EQ(x.dom.root_retained[0], 52u);
  EXPECT_EQ(x.dom.root_retained[1], 0u);  // holder still points at it
  EXPECT_EQ(x.sizes.roots[0].deep, 10052u);
}

TEST(retained, of_a_cycle_member_holds_the_rest_when_it_is_the_only_way_in) {
  analysis a = analyze(testing::cycle_of_three(false));
  EXPECT_EQ(a.dom.retained[0], 600u);
  EXPECT_EQ(a.dom.retained[1], 500u);
  EXPECT_EQ(a.dom.retained[2], 300u);
}

TEST(retained, equals_deleting_and_counting_on_random_graphs) {
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    snapshot snap = testing::random_snapshot(seed, seed % 5 == 0 ? 120 : 30);
    analysis a = analyze(snap);
    const auto& roots = a.graph.root_nodes;
    auto all = testing::reachable(a.graph, roots);
    const std::uint64_t all_bytes = testing::bytes_of(snap, all);
    // Immortal objects are held by the interpreter: another way in that no deletion cuts.
    std::vector<std::uint32_t> held;
    for (std::uint32_t v = 0; v < snap.graph.node_count(); ++v) {
      if (all[v] && (snap.graph.flags[v] & node_flag::immortal)) held.push_back(v);
    }
    for (std::uint32_t v = 0; v < snap.graph.node_count(); ++v) {
      if (!all[v]) {
        ASSERT_EQ(a.dom.retained[v], 0u);
        ASSERT_EQ(a.dom.idom[v], no_node);
        continue;
      }
      std::vector<std::uint32_t> starts = roots;
      for (std::uint32_t h : held) {
        if (h != v) starts.push_back(h);
      }
      auto without = testing::reachable(a.graph, starts, v);
      ASSERT_EQ(a.dom.retained[v], all_bytes - testing::bytes_of(snap, without)) << "seed " << seed << ", object " << v;
    }
    for (std::size_t r = 0; r < roots.size(); ++r) {
      std::vector<std::uint32_t> others = roots;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(r));
      others.insert(others.end(), held.begin(), held.end());
      auto without = testing::reachable(a.graph, others);
      ASSERT_EQ(a.dom.root_retained[r], all_bytes - testing::bytes_of(snap, without))
          << "seed " << seed << ", root " << r;
    }
  }
}

TEST(retained, respects_the_policy) {
  snapshot_builder b;
  auto l = b.add_node("list", 36, 1);
  auto one = b.add_node("int", 16, 2, node_flag::small_int);
  auto f = b.add_node("float", 16, 3);
  b.add_edge(l, one, edge_kind::index, 0u);
  b.add_edge(l, f, edge_kind::index, 1u);
  b.add_root("l", l);
  snapshot snap = std::move(b).build();
  analysis counted = analyze(snap);
  EXPECT_EQ(counted.sizes.roots[0].deep, 68u);
  // The cached 1 is the interpreter's: deleting l never frees it.
  EXPECT_EQ(counted.dom.root_retained[0], 52u);
  EXPECT_EQ(counted.dom.idom[one], dominator_tree::super_root);
  analysis_options leave_out;
  leave_out.policy.include_interpreter_shared = false;
  analysis a = analyze(snap, leave_out);
  EXPECT_EQ(a.dom.root_retained[0], 52u);
  EXPECT_EQ(a.dom.idom[one], no_node);
}

}  // namespace
}  // namespace bytewise
