// The heap walker on hand-made CPython 3.14 wasm32 memory (heap_image.hpp): exact nodes,
// sizes, labels and edges, and what it does with memory that lies. Its agreement with the
// Python probe on real interpreters is tests/node/native-walk.test.mjs.
#include "heap_image.hpp"

#include <bytewise/heap_walk.hpp>
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

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

// big = [0.0, 1.0, ..., 19.0], small = [0.5]: roots in that order under a cap of 10.
struct two_lists : heap_image {
  std::uint64_t big = 0, small = 0, half = 0;
  two_lists() {
    std::vector<std::uint64_t> floats;
    for (int i = 0; i < 20; ++i) floats.push_back(add_float(i));
    big = add_list(floats);
    half = add_float(0.5);
    small = add_list({half});
    setup.roots = {{"big", big}, {"small", small}};
    setup.object_cap = 10;
  }
};

std::uint32_t root_node(const bytewise::snapshot& s, std::string_view name) {
  for (const auto& r : s.roots) {
    if (s.strings.get(r.name) == name) return r.node;
  }
  return bytewise::no_node;
}

// The cap is shared breadth first, round robin: the first variable does not take it all,
// and each says how many objects it could not reach.
TEST(heap_walk, shares_the_object_cap_so_a_small_variable_after_a_big_one_is_whole) {
  two_lists img;
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  ASSERT_TRUE(walked.ok());
  const auto& s = walked->snap;
  EXPECT_TRUE(s.capture.truncated);
  EXPECT_EQ(s.graph.node_count(), 10u);  // the whole cap used
  ASSERT_EQ(s.roots.size(), 2u);
  const std::uint32_t small = root_node(s, "small");
  ASSERT_NE(small, bytewise::no_node);
  ASSERT_EQ(s.graph.end_edge(small) - s.graph.first_edge(small), 1u);  // its float is there
  EXPECT_EQ(s.graph.address[s.graph.edge_target[s.graph.first_edge(small)]], img.half);
  EXPECT_FALSE(s.graph.flags[small] & bytewise::node_flag::truncated);
  const std::uint32_t big = root_node(s, "big");
  EXPECT_EQ(s.graph.end_edge(big) - s.graph.first_edge(big), 7u);  // 10 - small's 2 - itself
  EXPECT_TRUE(s.graph.flags[big] & bytewise::node_flag::truncated);
  ASSERT_EQ(s.root_unreached.size(), 2u);
  EXPECT_EQ(s.root_unreached[0], 13u);  // big: 20 floats, 7 reached
  EXPECT_EQ(s.root_unreached[1], 0u);
  // The counts cross the snapshot format.
  auto read = bytewise::read_snapshot(bytewise::write_snapshot(s));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->root_unreached, s.root_unreached);
}

TEST(heap_walk, shares_the_cap_in_equal_parts_between_variables_that_both_need_more) {
  two_lists img;
  std::vector<std::uint64_t> floats;
  for (int i = 0; i < 20; ++i) floats.push_back(img.add_float(100 + i));
  img.small = img.add_list(floats);
  img.setup.roots = {{"big", img.big}, {"other", img.small}, {"again", img.big}};
  auto walked = bytewise::walk_heap(img.view(), img.setup);
  ASSERT_TRUE(walked.ok());
  const auto& s = walked->snap;
  EXPECT_EQ(s.graph.node_count(), 10u);
  const auto& g = s.graph;
  EXPECT_EQ(g.end_edge(root_node(s, "big")) - g.first_edge(root_node(s, "big")), 4u);  // 5 each
  EXPECT_EQ(g.end_edge(root_node(s, "other")) - g.first_edge(root_node(s, "other")), 4u);
  // Two names of one object are one share, and say the same.
  EXPECT_EQ(s.root_unreached, (std::vector<std::uint32_t>{16, 16, 16}));
}

TEST(heap_walk, walks_in_the_probes_order_and_reaches_everything_under_the_cap) {
  two_lists img;
  img.setup.object_cap = 100;
  auto walked = bytewise::walk_heap(img.view(), img.setup);
  ASSERT_TRUE(walked.ok());
  const auto& s = walked->snap;
  EXPECT_FALSE(s.capture.truncated);
  ASSERT_EQ(s.graph.node_count(), 23u);
  EXPECT_EQ(s.graph.address[0], img.big);  // roots first, then breadth first
  EXPECT_EQ(s.graph.address[1], img.small);
  EXPECT_EQ(s.graph.address[2], s.graph.address[s.graph.edge_target[0]]);
  EXPECT_EQ(s.root_unreached, (std::vector<std::uint32_t>{0, 0}));
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

// A copy filled page by page as the walk reads it (a trace's steps): the source image is
// copied into a blank block only where the walk looks.
struct paged_copy {
  const std::vector<std::uint8_t>& source;
  std::vector<std::uint8_t> block;
  int fills = 0;
  bool fail = false;
  explicit paged_copy(const std::vector<std::uint8_t>& from) : source(from), block(from.size(), 0) {}
  static bool fill(void* self, std::uint64_t offset, std::uint64_t length) {
    auto& p = *static_cast<paged_copy*>(self);
    ++p.fills;
    if (p.fail) return false;
    std::memcpy(p.block.data() + offset, p.source.data() + offset, length);
    return true;
  }
};

TEST(heap_walk, reads_a_copy_filled_page_by_page_and_sees_what_a_whole_copy_shows) {
  heap_image img;
  std::vector<std::uint64_t> floats;
  for (int i = 0; i < 3000; ++i) floats.push_back(img.add_float(i));  // about 72 KiB of floats
  img.take(64 * 1024);                                                // 64 KiB nobody reads
  const std::uint64_t tail = img.add_float(0.25);
  floats.push_back(tail);
  img.setup.roots = {{"xs", img.add_list(floats)}};  // its 12 KiB item array is read at once
  img.setup.object_cap = img.setup.edge_cap = 10'000;
  auto whole = bytewise::walk_heap(img.view(), img.setup);
  ASSERT_TRUE(whole.ok());

  paged_copy copy(img.bytes);
  bytewise::heap_pages pages(copy.block.size(), &paged_copy::fill, &copy);
  auto paged = bytewise::walk_heap(bytewise::copied_heap(img.base, copy.block, &pages), img.setup);
  ASSERT_TRUE(paged.ok());
  EXPECT_EQ(bytewise::write_snapshot(paged->snap), bytewise::write_snapshot(whole->snap));
  EXPECT_EQ(paged->snap.graph.node_count(), 3002u);
  // The 16 pages of the unread gap were never copied; runs of pages are copied at once.
  const std::uint64_t all_pages = (copy.block.size() + 4095) / 4096;
  EXPECT_LE(pages.pages_filled(), all_pages - 15);
  EXPECT_LT(copy.fills, static_cast<int>(pages.pages_filled()));
  EXPECT_TRUE(std::all_of(copy.block.begin() + static_cast<std::ptrdiff_t>(tail - img.base - 0x8000),
                          copy.block.begin() + static_cast<std::ptrdiff_t>(tail - img.base - 0x4000),
                          [](std::uint8_t b) { return b == 0; }));

  // Pages read again (the walk's reruns, a new walk after reset()) are not copied again.
  const int fills = copy.fills;
  ASSERT_TRUE(bytewise::walk_heap(bytewise::copied_heap(img.base, copy.block, &pages), img.setup).ok());
  EXPECT_EQ(copy.fills, fills);
  pages.reset();
  ASSERT_TRUE(bytewise::walk_heap(bytewise::copied_heap(img.base, copy.block, &pages), img.setup).ok());
  EXPECT_EQ(copy.fills, 2 * fills);
}

TEST(heap_walk, a_page_that_cannot_be_copied_is_unreadable_memory_not_a_crash) {
  heap_image img;
  paged_copy copy(img.bytes);
  copy.fail = true;
  bytewise::heap_pages pages(copy.block.size(), &paged_copy::fill, &copy);
  auto walked = bytewise::walk_heap(bytewise::copied_heap(img.base, copy.block, &pages), img.setup);
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(walked->snap.graph.node_count(), 1u);  // the root, handed back
  ASSERT_EQ(walked->handed_back.size(), 1u);
  ASSERT_FALSE(walked->problems.empty());
  EXPECT_EQ(walked->problems[0].code, "walk.unreadable_object");
}

}  // namespace
