// Tests for bytewise/sizes.hpp: deep, naive and shared sizes, exact on hand-built graphs
// and equal to a brute-force walk on random ones.
#include <bytewise/analysis.hpp>

#include <gtest/gtest.h>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

TEST(deep_size, of_an_empty_graph_is_zero) {
  analysis a = analyze(std::move(snapshot_builder()).build());
  EXPECT_TRUE(a.sizes.roots.empty());
  EXPECT_EQ(a.sizes.total_deep, 0u);
  EXPECT_EQ(a.sizes.total_objects, 0u);
  EXPECT_EQ(a.sizes.total_naive, 0u);
}

TEST(deep_size, of_a_leaf_is_its_shallow_size) {
  snapshot_builder b;
  b.add_root("f", b.add_node("float", 16, 1));
  analysis a = analyze(std::move(b).build());
  ASSERT_EQ(a.sizes.roots.size(), 1u);
  EXPECT_EQ(a.sizes.roots[0].shallow, 16u);
  EXPECT_EQ(a.sizes.roots[0].deep, 16u);
  EXPECT_EQ(a.sizes.roots[0].naive, 16u);
  EXPECT_EQ(a.sizes.roots[0].objects, 1u);
}

TEST(deep_size, counts_a_shared_string_once_and_naive_counts_it_per_reference) {
  // a = ["x" * 100] * 3: three slots, one string.
  snapshot_builder b;
  auto list = b.add_node("list", 32, 1);
  auto s = b.add_node("str", 121, 2);
  for (std::uint32_t i = 0; i < 3; ++i) b.add_edge(list, s, edge_kind::index, i);
  b.add_root("a", list);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 32u + 121u);
  EXPECT_EQ(a.sizes.roots[0].objects, 2u);
  EXPECT_EQ(a.sizes.roots[0].naive, 32u + 3 * 121u);
  ASSERT_EQ(a.sizes.repeated.size(), 1u);
  EXPECT_EQ(a.sizes.repeated[0].node, s);
  EXPECT_EQ(a.sizes.repeated[0].times, 3u);
  EXPECT_EQ(a.sizes.repeated_objects, 1u);
  EXPECT_EQ(a.sizes.referrers[s], 1u);  // three references, one referrer
  EXPECT_EQ(a.sizes.shared_objects, 0u);
}

TEST(deep_size, of_a_diamond_counts_the_bottom_once) {
  auto [snap, top, left, right, bottom] = testing::diamond();
  analysis a = analyze(snap);
  EXPECT_EQ(a.sizes.roots[0].deep, 150u);
  EXPECT_EQ(a.sizes.roots[0].objects, 4u);
  EXPECT_EQ(a.sizes.roots[0].naive, 10u + 20u + 40u + 80u + 80u);
  EXPECT_EQ(a.sizes.referrers[bottom], 2u);
  EXPECT_EQ(a.sizes.shared_objects, 1u);  // bottom has two referrers
  EXPECT_EQ(a.sizes.shared_bytes, 80u);
  EXPECT_TRUE(a.cycles.empty());
}

TEST(deep_size, is_a_lower_bound_for_the_roots_that_reach_a_cut_object_and_exact_for_the_others) {
  // a = [[...cut...]], b = [a[0]] shares the cut list, c = [1.5] reaches nothing cut.
  snapshot_builder b;
  auto outer = b.add_node("list", 40, 1);
  auto cut = b.add_node("list", 4000, 2, node_flag::truncated);  // its references were not all read
  auto other = b.add_node("list", 40, 3);
  auto c = b.add_node("list", 40, 4);
  auto f = b.add_node("float", 16, 5);
  b.add_edge(outer, cut, edge_kind::index, 0);
  b.add_edge(other, cut, edge_kind::index, 0);
  b.add_edge(c, f, edge_kind::index, 0);
  b.add_root("a", outer);
  b.add_root("b", other);
  b.add_root("c", c);
  b.add_root("d", cut);
  analysis a = analyze(std::move(b).build());
  EXPECT_TRUE(a.sizes.roots[0].lower_bound);
  EXPECT_TRUE(a.sizes.roots[1].lower_bound);
  EXPECT_FALSE(a.sizes.roots[2].lower_bound);
  EXPECT_TRUE(a.sizes.roots[3].lower_bound);
  EXPECT_EQ(a.sizes.roots[2].deep, 56u);
}

TEST(deep_size, of_a_self_loop_counts_the_object_once) {
  // a = []; a.append(a)
  snapshot_builder b;
  auto l = b.add_node("list", 44, 1);
  b.add_edge(l, l, edge_kind::index, 0u);
  b.add_root("a", l);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 44u);
  EXPECT_EQ(a.sizes.roots[0].objects, 1u);
  EXPECT_EQ(a.sizes.roots[0].naive, 88u);  // the variable's reference and the list's own
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.cycles[0].objects, 1u);
  EXPECT_EQ(a.cycles[0].bytes, 44u);
}

TEST(deep_size, of_a_cycle_of_three) {
  analysis a = analyze(testing::cycle_of_three(true));
  for (const root_size& r : a.sizes.roots) {
    EXPECT_EQ(r.deep, 600u);
    EXPECT_EQ(r.objects, 3u);
    EXPECT_EQ(r.shared_bytes, 600u);  // both roots reach the whole cycle
  }
  EXPECT_EQ(a.sizes.total_deep, 600u);
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.cycles[0].objects, 3u);
  EXPECT_EQ(a.cycles[0].bytes, 600u);
}

TEST(deep_size, walks_a_chain_100000_deep_without_recursion) {
  snapshot_builder b;
  constexpr std::uint32_t depth = 100000;
  for (std::uint32_t i = 0; i < depth; ++i) b.add_node("list", 32, i + 1);
  for (std::uint32_t i = 0; i + 1 < depth; ++i) b.add_edge(i, i + 1, edge_kind::index, 0u);
  b.add_root("deep", 0);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 32u * depth);
  EXPECT_EQ(a.sizes.roots[0].objects, depth);
  EXPECT_EQ(a.sizes.roots[0].naive, 32u * depth);
  EXPECT_EQ(a.dom.root_retained[0], 32u * depth);
  EXPECT_EQ(a.dom.retained[depth / 2], 32u * (depth - depth / 2));
  ASSERT_FALSE(a.top_deep.empty());
  EXPECT_EQ(a.top_deep[0].node, 0u);
  EXPECT_EQ(a.top_deep[0].bytes, 32u * depth);
}

TEST(deep_size, of_disconnected_roots_adds_up) {
  snapshot_builder b;
  auto l1 = b.add_node("list", 36, 1), f1 = b.add_node("float", 16, 2);
  auto l2 = b.add_node("list", 40, 3), f2 = b.add_node("float", 16, 4);
  b.add_edge(l1, f1, edge_kind::index, 0u);
  b.add_edge(l2, f2, edge_kind::index, 0u);
  b.add_root("a", l1);
  b.add_root("b", l2);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 52u);
  EXPECT_EQ(a.sizes.roots[1].deep, 56u);
  EXPECT_EQ(a.sizes.total_deep, 108u);
  EXPECT_EQ(a.sizes.total_objects, 4u);
  EXPECT_EQ(a.sizes.roots[0].shared_bytes, 0u);
  EXPECT_EQ(a.sizes.shared_objects, 0u);
}

TEST(deep_size, totals_count_objects_shared_between_roots_once) {
  // s = "shared"; d1 = {"k": s}; d2 = {"k": s}
  snapshot_builder b;
  auto s = b.add_node("str", 27, 1);
  auto k = b.add_node("str", 22, 2);
  auto d1 = b.add_node("dict", 104, 3);
  auto d2 = b.add_node("dict", 104, 4);
  for (auto d : {d1, d2}) {
    b.add_edge(d, k, edge_kind::dict_key, "'k'");
    b.add_edge(d, s, edge_kind::dict_value, "'k'");
  }
  b.add_root("s", s);
  b.add_root("d1", d1);
  b.add_root("d2", d2);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 27u);
  EXPECT_EQ(a.sizes.roots[1].deep, 104u + 22u + 27u);
  EXPECT_EQ(a.sizes.roots[2].deep, 104u + 22u + 27u);
  EXPECT_EQ(a.sizes.roots[1].shared_bytes, 22u + 27u);
  EXPECT_EQ(a.sizes.total_deep, 27u + 22u + 104u + 104u);
  EXPECT_EQ(a.sizes.total_objects, 4u);
  EXPECT_EQ(a.sizes.total_naive, 27u + 104u + 104u + 2 * (22u + 27u));
  EXPECT_EQ(a.sizes.referrers[s], 3u);  // the variable s and both dicts
  EXPECT_EQ(a.sizes.several_roots[k], 1u);
}

TEST(deep_size, of_two_roots_naming_one_object_is_counted_once_in_the_total) {
  snapshot_builder b;
  auto l = b.add_node("list", 28, 1);
  b.add_root("a", l);
  b.add_root("b", l);
  analysis a = analyze(std::move(b).build());
  EXPECT_EQ(a.sizes.roots[0].deep, 28u);
  EXPECT_EQ(a.sizes.roots[1].deep, 28u);
  EXPECT_EQ(a.sizes.total_deep, 28u);
  EXPECT_EQ(a.sizes.total_naive, 56u);
  EXPECT_EQ(a.sizes.roots[0].shared_bytes, 28u);
  ASSERT_EQ(a.sizes.repeated.size(), 1u);
  EXPECT_EQ(a.sizes.repeated[0].times, 2u);
}

TEST(deep_size, handles_more_roots_than_one_mask_word) {
  // 150 roots: each a list holding its own float and one shared string.
  snapshot_builder b;
  auto shared = b.add_node("str", 1000, 1);
  for (std::uint32_t i = 0; i < 150; ++i) {
    auto l = b.add_node("list", 36, 100 + 2 * i);
    auto f = b.add_node("float", 16, 101 + 2 * i);
    b.add_edge(l, f, edge_kind::index, 0u);
    b.add_edge(l, shared, edge_kind::index, 1u);
    b.add_root("v" + std::to_string(i), l);
  }
  analysis a = analyze(std::move(b).build());
  ASSERT_EQ(a.sizes.roots.size(), 150u);
  for (const root_size& r : a.sizes.roots) {
    EXPECT_EQ(r.deep, 36u + 16u + 1000u);
    EXPECT_EQ(r.objects, 3u);
    EXPECT_EQ(r.shared_bytes, 1000u);
    EXPECT_EQ(r.shared_objects, 1u);
  }
  EXPECT_EQ(a.sizes.total_deep, 1000u + 150u * 52u);
  EXPECT_EQ(a.sizes.several_roots[shared], 1u);
}

TEST(deep_size, equals_a_brute_force_walk_on_random_graphs) {
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    snapshot snap = testing::random_snapshot(seed);
    analysis a = analyze(snap);
    std::vector<std::uint8_t> any(snap.graph.node_count(), 0);
    for (std::size_t r = 0; r < snap.roots.size(); ++r) {
      auto seen = testing::reachable(a.graph, {snap.roots[r].node});
      std::uint64_t objects = 0, naive = snap.graph.shallow[snap.roots[r].node];
      for (std::uint32_t v = 0; v < seen.size(); ++v) {
        if (!seen[v]) continue;
        objects += 1;
        any[v] = 1;
        for (std::uint32_t e = a.graph.offsets[v]; e < a.graph.offsets[v + 1]; ++e) {
          naive += snap.graph.shallow[a.graph.targets[e]];
        }
      }
      ASSERT_EQ(a.sizes.roots[r].deep, testing::bytes_of(snap, seen)) << "seed " << seed;
      ASSERT_EQ(a.sizes.roots[r].objects, objects) << "seed " << seed;
      ASSERT_EQ(a.sizes.roots[r].naive, naive) << "seed " << seed;
    }
    ASSERT_EQ(a.sizes.total_deep, testing::bytes_of(snap, any)) << "seed " << seed;
  }
}

TEST(policy, can_leave_out_objects_shared_with_the_interpreter) {
  // x = [1, 2, 3]: three cached small ints, immortal on 3.12+.
  snapshot_builder b;
  auto list = b.add_node("list", 44, 1);
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto n = b.add_node("int", 16, 10 + i, node_flag::small_int | node_flag::immortal);
    b.add_edge(list, n, edge_kind::index, i);
  }
  b.add_root("x", list);
  snapshot snap = std::move(b).build();
  EXPECT_EQ(analyze(snap).sizes.roots[0].deep, 44u + 48u);
  analysis_options leave_out;
  leave_out.policy.include_interpreter_shared = false;
  analysis a = analyze(snap, leave_out);
  EXPECT_EQ(a.sizes.roots[0].deep, 44u);
  EXPECT_EQ(a.sizes.roots[0].objects, 1u);
}

TEST(policy, a_root_left_out_has_no_size) {
  snapshot_builder b;
  b.add_root("n", b.add_node("int", 16, 1, node_flag::small_int));
  analysis_options leave_out;
  leave_out.policy.include_interpreter_shared = false;
  analysis a = analyze(std::move(b).build(), leave_out);
  EXPECT_EQ(a.sizes.roots[0].node, no_node);
  EXPECT_EQ(a.sizes.roots[0].deep, 0u);
  EXPECT_EQ(a.sizes.total_objects, 0u);
}

TEST(policy, follows_types_modules_globals_and_code_only_when_asked) {
  constexpr std::uint32_t type_object = 1u << node_flag::category_shift;
  constexpr std::uint32_t module = 2u << node_flag::category_shift;
  constexpr std::uint32_t code = 4u << node_flag::category_shift;
  constexpr std::uint32_t function = 3u << node_flag::category_shift;
  snapshot_builder b;
  auto p = b.add_node("Point", 48, 1);
  auto cls = b.add_node("type", 896, 2, type_object);
  auto f = b.add_node("function", 84, 3, function);
  auto globals = b.add_node("dict", 300, 4);
  auto co = b.add_node("code", 120, 5, code);
  auto mod = b.add_node("module", 36, 6, module);
  auto items = b.add_node("list", 36, 7);
  b.add_edge(p, cls, edge_kind::type);
  b.add_edge(f, globals, edge_kind::globals);
  b.add_edge(f, co, edge_kind::code);
  b.add_edge(items, mod, edge_kind::index, 0u);
  b.add_edge(items, cls, edge_kind::index, 1u);
  b.add_root("p", p);
  b.add_root("f", f);
  b.add_root("items", items);
  snapshot snap = std::move(b).build();

  analysis plain = analyze(snap);
  EXPECT_EQ(plain.sizes.roots[0].deep, 48u);
  EXPECT_EQ(plain.sizes.roots[1].deep, 84u);
  EXPECT_EQ(plain.sizes.roots[2].deep, 36u);

  analysis_options all;
  all.policy.follow_types = all.policy.follow_modules = true;
  all.policy.follow_globals = all.policy.follow_code = true;
  analysis everything = analyze(snap, all);
  EXPECT_EQ(everything.sizes.roots[0].deep, 48u + 896u);
  EXPECT_EQ(everything.sizes.roots[1].deep, 84u + 300u + 120u);
  EXPECT_EQ(everything.sizes.roots[2].deep, 36u + 36u + 896u);

  analysis_options code_only;
  code_only.policy.follow_code = true;
  EXPECT_EQ(analyze(snap, code_only).sizes.roots[1].deep, 84u + 120u);
}

}  // namespace
}  // namespace bytewise
