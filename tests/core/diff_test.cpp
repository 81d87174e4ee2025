// Tests for bytewise/diff.hpp.
#include <bytewise/diff.hpp>

#include <gtest/gtest.h>

namespace bytewise {
namespace {

TEST(diff, sorts_objects_into_appeared_freed_grew_and_shrank) {
  snapshot_builder before;
  auto l = before.add_node("list", 60, 0x100);
  before.add_node("dict", 200, 0x200);  // shrinks
  before.add_node("float", 16, 0x300);  // freed
  before.add_node("str", 30, 0x400);    // unchanged
  before.add_root("l", l);
  snapshot_builder after;
  auto l2 = after.add_node("list", 92, 0x100);  // grew by 32
  after.add_node("dict", 104, 0x200);
  after.add_node("str", 30, 0x400);
  after.add_node("bytes", 1000, 0x500);  // appeared
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
  before.add_node("float", 16, 0x100);
  snapshot_builder after;
  after.add_node("int", 16, 0x100);
  snapshot_diff d = diff_snapshots(std::move(before).build(), std::move(after).build());
  EXPECT_EQ(d.freed.objects, 1u);
  EXPECT_EQ(d.appeared.objects, 1u);
  EXPECT_EQ(d.unchanged.objects, 0u);
  EXPECT_EQ(d.net_bytes, 0);
}

TEST(diff, can_leave_out_objects_shared_with_the_interpreter) {
  snapshot_builder before;
  snapshot_builder after;
  after.add_node("int", 16, 0x100, node_flag::small_int);
  after.add_node("float", 16, 0x200);
  snapshot a = std::move(before).build(), b = std::move(after).build();
  EXPECT_EQ(diff_snapshots(a, b).appeared.objects, 2u);
  traversal_policy p;
  p.include_interpreter_shared = false;
  EXPECT_EQ(diff_snapshots(a, b, p).appeared.objects, 1u);
}

}  // namespace
}  // namespace bytewise
