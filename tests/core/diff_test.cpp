// Tests for bytewise/diff.hpp.
#include <bytewise/diff.hpp>

#include <gtest/gtest.h>

namespace bytewise {
namespace {

TEST(diff, sorts_objects_into_appeared_freed_grew_and_shrank) {
  snapshot_builder before;
  auto l = before.add_node("list", 60, 0x100);
  auto d1 = before.add_node("dict", 200, 0x200);  // shrinks
  auto f = before.add_node("float", 16, 0x300);   // freed
  auto s1 = before.add_node("str", 30, 0x400);    // unchanged
  for (auto item : {d1, f, s1}) before.add_edge(l, item, edge_kind::index);
  before.add_root("l", l);
  snapshot_builder after;
  auto l2 = after.add_node("list", 92, 0x100);  // grew by 32
  auto d2 = after.add_node("dict", 104, 0x200);
  auto s2 = after.add_node("str", 30, 0x400);
  auto b = after.add_node("bytes", 1000, 0x500);  // appeared
  for (auto item : {d2, s2, b}) after.add_edge(l2, item, edge_kind::index);
  after.add_root("l", l2);
  snapshot_diff d = diff_snapshots(std::move(before).build(), std::move(after).build());
  EXPECT_EQ(d.appeared.objects, 1u);
  EXPECT_EQ(d.appeared.bytes, 1000u);
  EXPECT_EQ(d.freed.objects, 1u);
  EXPECT_EQ(d.freed.bytes, 16u);
  EXPECT_EQ(d.grew.objects, 1u);
  EXPECT_EQ(d.grew.bytes, 32u);
  EXPECT_EQ(d.shrank.objects, 1u);
  EXPECT_EQ(d.shrank.bytes, 96u);
  EXPECT_EQ(d.unchanged.objects, 1u);
  EXPECT_EQ(d.net_bytes, (92 + 104 + 30 + 1000) - (60 + 200 + 16 + 30));
  ASSERT_EQ(d.largest.size(), 4u);
  EXPECT_EQ(d.largest[0].kind, change_kind::appeared);
  EXPECT_EQ(d.largest[1].kind, change_kind::shrank);
  EXPECT_EQ(d.largest[2].kind, change_kind::grew);
  EXPECT_EQ(d.largest[3].kind, change_kind::freed);
}

TEST(diff, treats_a_reused_id_with_another_type_as_freed_and_appeared) {
  snapshot_builder before;
  before.add_root("x", before.add_node("float", 16, 0x100));
  snapshot_builder after;
  after.add_root("x", after.add_node("int", 16, 0x100));
  snapshot_diff d = diff_snapshots(std::move(before).build(), std::move(after).build());
  EXPECT_EQ(d.freed.objects, 1u);
  EXPECT_EQ(d.appeared.objects, 1u);
  EXPECT_EQ(d.unchanged.objects, 0u);
  EXPECT_EQ(d.net_bytes, 0);
}

TEST(diff, can_leave_out_objects_shared_with_the_interpreter) {
  snapshot_builder before;
  snapshot_builder after;
  after.add_root("i", after.add_node("int", 16, 0x100, node_flag::small_int));
  after.add_root("f", after.add_node("float", 16, 0x200));
  snapshot a = std::move(before).build(), b = std::move(after).build();
  EXPECT_EQ(diff_snapshots(a, b).appeared.objects, 2u);
  traversal_policy p;
  p.include_interpreter_shared = false;
  EXPECT_EQ(diff_snapshots(a, b, p).appeared.objects, 1u);
}

// A capture keeps the targets of references the policy does not follow (a function's
// globals), so that the policy can change without a new capture: under the default policy
// they are not the program's objects, and a diff leaves them out.
TEST(diff, counts_only_objects_reached_through_references_the_policy_follows) {
  snapshot_builder before;
  before.add_root("x", before.add_node("float", 16, 0x100));
  snapshot_builder after;
  after.add_root("x", after.add_node("float", 16, 0x100));
  const auto f = after.add_node("function", 84, 0x200);
  const auto globals = after.add_node("dict", 400, 0x300);
  after.add_edge(f, globals, edge_kind::globals);
  after.add_root("f", f);
  after.add_node("list", 44, 0x400);  // no root reaches it
  snapshot a = std::move(before).build(), b = std::move(after).build();
  snapshot_diff d = diff_snapshots(a, b);
  EXPECT_EQ(d.appeared.objects, 1u);
  EXPECT_EQ(d.appeared.bytes, 84u);
  EXPECT_EQ(d.unchanged.objects, 1u);
  traversal_policy p;
  p.follow_globals = true;
  EXPECT_EQ(diff_snapshots(a, b, p).appeared.objects, 2u);
}

}  // namespace
}  // namespace bytewise
