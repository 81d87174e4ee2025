// Tests for bytewise/sizes.hpp: deep sizes count each object once, survive cycles and
// deep nesting, and the root-set total counts shared objects once.
#include <bytewise/sizes.hpp>

#include <gtest/gtest.h>

namespace bytewise {
namespace {

TEST(deep_size, of_a_leaf_is_its_shallow_size) {
  snapshot_builder b;
  auto f = b.add_node("float", 16, 1);
  b.add_root("f", f);
  auto sizes = measure_roots(std::move(b).build());
  ASSERT_EQ(sizes.roots.size(), 1u);
  EXPECT_EQ(sizes.roots[0].shallow, 16u);
  EXPECT_EQ(sizes.roots[0].deep, 16u);
  EXPECT_EQ(sizes.roots[0].objects, 1u);
}

TEST(deep_size, counts_a_shared_string_once) {
  // a = ["x" * 100] * 3: three slots, one string.
  snapshot_builder b;
  auto list = b.add_node("list", 32, 1);
  auto s = b.add_node("str", 121, 2);
  for (std::uint32_t i = 0; i < 3; ++i) b.add_edge(list, s, edge_kind::index, i);
  b.add_root("a", list);
  auto sizes = measure_roots(std::move(b).build());
  EXPECT_EQ(sizes.roots[0].deep, 32u + 121u);
  EXPECT_EQ(sizes.roots[0].objects, 2u);
}

TEST(deep_size, survives_a_cycle) {
  // a = []; a.append(a)
  snapshot_builder b;
  auto a = b.add_node("list", 44, 1);
  b.add_edge(a, a, edge_kind::index, 0u);
  b.add_root("a", a);
  auto sizes = measure_roots(std::move(b).build());
  EXPECT_EQ(sizes.roots[0].deep, 44u);
  EXPECT_EQ(sizes.roots[0].objects, 1u);
}

TEST(deep_size, walks_a_list_nested_100000_deep_without_recursion) {
  snapshot_builder b;
  constexpr std::uint32_t depth = 100000;
  for (std::uint32_t i = 0; i < depth; ++i) b.add_node("list", 32, i + 1);
  for (std::uint32_t i = 0; i + 1 < depth; ++i) b.add_edge(i, i + 1, edge_kind::index, 0u);
  b.add_root("deep", 0);
  auto sizes = measure_roots(std::move(b).build());
  EXPECT_EQ(sizes.roots[0].deep, 32u * depth);
  EXPECT_EQ(sizes.roots[0].objects, depth);
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
  auto sizes = measure_roots(std::move(b).build());
  EXPECT_EQ(sizes.roots[0].deep, 27u);
  EXPECT_EQ(sizes.roots[1].deep, 104u + 22u + 27u);
  EXPECT_EQ(sizes.roots[2].deep, 104u + 22u + 27u);
  EXPECT_EQ(sizes.total_deep, 27u + 22u + 104u + 104u);
  EXPECT_EQ(sizes.total_objects, 4u);
}

TEST(deep_size, of_two_roots_naming_one_object_is_counted_once_in_the_total) {
  snapshot_builder b;
  auto l = b.add_node("list", 28, 1);
  b.add_root("a", l);
  b.add_root("b", l);
  auto sizes = measure_roots(std::move(b).build());
  EXPECT_EQ(sizes.roots[0].deep, 28u);
  EXPECT_EQ(sizes.roots[1].deep, 28u);
  EXPECT_EQ(sizes.total_deep, 28u);
}

}  // namespace
}  // namespace bytewise
