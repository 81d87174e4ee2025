// The heap walker on hand-made CPython 3.14 wasm32 memory (heap_image.hpp): exact nodes,
// sizes, labels and edges, and what it does with memory that lies. Its agreement with the
// Python probe on real interpreters is tests/node/native-walk.test.mjs.
#include "heap_image.hpp"

#include <bytewise/heap_walk.hpp>

#include <gtest/gtest.h>

namespace {

using bytewise::test::heap_image;

TEST(heap_walk, captures_a_list_a_float_and_a_str_with_the_probes_sizes_and_labels) {
  heap_image img;
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  const auto& g = walked->snap.graph;
  ASSERT_EQ(g.node_count(), 3u);
  EXPECT_EQ(g.address[0], img.list);
  EXPECT_EQ(g.shallow[0], 8u + 20u + 4u * 4u);  // GC header + PyListObject + 4 slots
  EXPECT_EQ(g.length[0], 3u);
  EXPECT_EQ(walked->snap.strings.get(g.type[0]), "list");
  EXPECT_TRUE(g.flags[0] & bytewise::node_flag::gc_tracked);
  EXPECT_EQ(g.shallow[1], 16u);  // float
  EXPECT_EQ(walked->snap.strings.get(g.label[1]), "1.5");
  EXPECT_EQ(g.shallow[2], 20u + 2u + 1u);  // compact ASCII str of 2 characters
  EXPECT_EQ(walked->snap.strings.get(g.label[2]), "'hi'");
  ASSERT_EQ(g.end_edge(0) - g.first_edge(0), 3u);
  EXPECT_EQ(g.edge_target[2], 0u);  // the list holds itself: no new node, no loop
  EXPECT_EQ(g.edge_label[1], 1u);
  EXPECT_EQ(g.refcount[1], 2u);
  EXPECT_TRUE(walked->handed_back.empty());
  EXPECT_TRUE(walked->problems.empty());
}

TEST(heap_walk, hands_back_an_object_whose_header_points_outside_memory) {
  heap_image img;
  img.put32(img.items + 4, 0x7FFF'0000);  // item 1 points nowhere
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  ASSERT_EQ(walked->snap.graph.node_count(), 3u);
  ASSERT_EQ(walked->handed_back.size(), 1u);
  EXPECT_EQ(walked->handed_back[0].address, 0x7FFF'0000u);
  ASSERT_EQ(walked->problems.size(), 1u);
  EXPECT_EQ(walked->problems[0].code, "walk.unreadable_object");
}

TEST(heap_walk, hands_back_a_list_whose_size_exceeds_its_allocation) {
  heap_image img;
  img.put32(img.list + 8, 1'000'000);  // ob_size > allocated
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  ASSERT_EQ(walked->snap.graph.node_count(), 1u);
  ASSERT_EQ(walked->handed_back.size(), 1u);
  EXPECT_EQ(walked->handed_back[0].parts, bytewise::handed_back_part::size | bytewise::handed_back_part::references);
}

// What the probe answers for an object the walker handed back takes its place: the size
// part and the references (in the probe's order, with its labels), and the probe's
// diagnostics about it; the answer's targets are walked as any others.
TEST(heap_walk, uses_the_probes_answer_for_an_object_it_handed_back) {
  heap_image img;
  img.put32(img.list + 8, 1'000'000);  // ob_size > allocated: handed back, size and references
  bytewise::probe_answer answer;
  answer.address = img.list;
  answer.size = 44;
  answer.length = 3;
  answer.shape = static_cast<std::uint64_t>(bytewise::shape_family::list);
  answer.references = std::vector<bytewise::probe_reference>{
      {img.text, bytewise::edge_kind::index, 0, std::nullopt},
      {img.real, bytewise::edge_kind::other, 0, std::string("a referent")},
  };
  answer.truncated = true;
  answer.diagnostics = {{"probe.edge_cap", "Only the first 2 references were read."}};
  img.setup.answers.push_back(answer);
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  EXPECT_TRUE(walked->handed_back.empty());
  const auto& g = walked->snap.graph;
  ASSERT_EQ(g.node_count(), 3u);
  EXPECT_EQ(g.shallow[0], 44u);
  EXPECT_EQ(g.length[0], 3u);
  EXPECT_TRUE(g.flags[0] & bytewise::node_flag::truncated);
  ASSERT_EQ(g.end_edge(0) - g.first_edge(0), 2u);
  EXPECT_EQ(g.address[g.edge_target[0]], img.text);  // the answer's order numbers the new nodes
  EXPECT_EQ(g.edge_label[0], 0u);
  EXPECT_EQ(g.edge_kinds[1], bytewise::edge_kind::other);
  EXPECT_EQ(walked->snap.strings.get(g.edge_label[1]), "a referent");
  EXPECT_EQ(g.shallow[1], 23u);  // the str, decoded by the walker itself
  EXPECT_EQ(walked->snap.strings.get(g.label[2]), "1.5");
  ASSERT_EQ(walked->snap.diagnostics.size(), 1u);
  EXPECT_EQ(walked->snap.diagnostics[0].node, 0u);
}

TEST(heap_walk, stops_at_the_object_cap_and_marks_the_list_truncated) {
  heap_image img;
  img.setup.object_cap = 2;
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(walked->snap.graph.node_count(), 2u);
  EXPECT_TRUE(walked->snap.capture.truncated);
  EXPECT_TRUE(walked->snap.graph.flags[0] & bytewise::node_flag::truncated);
}

TEST(heap_walk, refuses_a_platform_it_has_no_offsets_for) {
  heap_image img;
  img.setup.platform.pointer_size = 8;
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_FALSE(walked.ok());
  EXPECT_EQ(walked.errors()[0].code, "walk.unsupported_platform");
}

TEST(heap_walk, refuses_a_setup_without_every_type) {
  heap_image img;
  img.setup.types[static_cast<std::size_t>(bytewise::known_type::dict)] = 0;
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_FALSE(walked.ok());
  EXPECT_EQ(walked.errors()[0].code, "walk.missing_type");
}

}  // namespace
