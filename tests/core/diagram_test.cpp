// Tests for bytewise/diagram.hpp: the overview layout and the number formats it shows.
#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>

#include <gtest/gtest.h>

namespace bytewise {
namespace {

bool overlap(const diagram_box& a, const diagram_box& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

snapshot two_lists_sharing_a_string() {
  snapshot_builder b;
  auto s = b.add_node("str", 26, 1);
  b.set_label(s, "'hello'");
  auto l1 = b.add_node("list", 36, 2);
  b.set_length(l1, 2);
  auto l2 = b.add_node("list", 32, 3);
  b.set_length(l2, 1);
  auto one = b.add_node("int", 16, 4, node_flag::small_int);
  b.set_label(one, "1");
  b.add_edge(l1, s, edge_kind::index, 0u);
  b.add_edge(l1, one, edge_kind::index, 1u);
  b.add_edge(l2, s, edge_kind::index, 0u);
  b.add_root("a", l1);
  b.add_root("b", l2);
  b.add_root("c", l1);
  return std::move(b).build();
}

TEST(diagram, draws_a_box_per_variable_and_per_distinct_object) {
  snapshot snap = two_lists_sharing_a_string();
  diagram d = layout_overview(snap, analyze(snap));
  int variables = 0, objects = 0;
  for (const auto& box : d.boxes) {
    variables += box.kind == box_kind::variable;
    objects += box.kind == box_kind::object;
  }
  EXPECT_EQ(variables, 3);
  EXPECT_EQ(objects, 4);  // two lists, the shared string once, the int
  // a and c name the same list: one box, two arrows into it.
  EXPECT_EQ(d.boxes[0].title, "list, 2 items");
  EXPECT_EQ(d.boxes[0].detail, "36 B shallow, 78 B deep");
  EXPECT_EQ(d.boxes[1].title, "list, 1 item");
  EXPECT_EQ(d.boxes[1].detail, "32 B shallow, 58 B deep");
}

TEST(diagram, shows_the_size_on_the_compared_platform) {
  snapshot_builder b;  // a wasm32 3.14 capture by default
  auto l = b.add_node("list", 28, 1);
  b.set_length(l, 0);
  b.set_shape(l, static_cast<std::uint64_t>(shape_family::list));
  auto odd = b.add_node("Odd", 50, 2);
  b.add_edge(l, odd, edge_kind::index, 0u);
  b.add_root("empty", l);
  snapshot snap = std::move(b).build();
  analysis_options options;
  options.compare_with = cpython_target{12, 8};
  diagram d = layout_overview(snap, analyze(snap, options));
  EXPECT_EQ(d.boxes[0].compared, "56 B on 64-bit CPython 3.12");
  EXPECT_EQ(d.boxes[2].compared, "not modelled on 64-bit CPython 3.12");
  EXPECT_EQ(layout_overview(snap, analyze(snap)).boxes[0].compared, "");
}

TEST(diagram, labels_arrows_with_the_reference) {
  snapshot snap = two_lists_sharing_a_string();
  diagram d = layout_overview(snap, analyze(snap));
  std::vector<std::string> labels;
  for (const auto& a : d.arrows) {
    if (d.boxes[a.from].kind == box_kind::object) {
      labels.push_back(d.boxes[a.from].title + " " + a.label + " -> " + d.boxes[a.to].title);
    }
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"list, 2 items [0] -> str 'hello'",
                                              "list, 2 items [1] -> int 1",
                                              "list, 1 item [0] -> str 'hello'"}));
}

TEST(diagram, merges_references_to_the_same_object_into_one_arrow) {
  // words = ["memory"] * 5
  snapshot_builder b;
  auto list = b.add_node("list", 40, 1);
  auto s = b.add_node("str", 27, 2);
  for (std::uint32_t i = 0; i < 5; ++i) b.add_edge(list, s, edge_kind::index, i);
  b.add_root("words", list);
  snapshot snap = std::move(b).build();
  diagram d = layout_overview(snap, analyze(snap));
  ASSERT_EQ(d.arrows.size(), 2u);  // variable -> list, list -> str
  EXPECT_EQ(d.arrows[1].label, "[0] [1] [2] ... (5 references)");
}

TEST(diagram, never_overlaps_boxes) {
  snapshot_builder b;
  std::vector<std::uint32_t> lists;
  for (int i = 0; i < 20; ++i) {
    auto l = b.add_node("list", 28 + 4 * i, 100 + i);
    for (int j = 0; j < i; ++j) {
      auto f = b.add_node("float", 16, 1000 + i * 100 + j);
      b.add_edge(l, f, edge_kind::index, static_cast<std::uint32_t>(j));
    }
    b.add_root("v" + std::to_string(i), l);
  }
  snapshot snap = std::move(b).build();
  diagram d = layout_overview(snap, analyze(snap));
  for (std::size_t i = 0; i < d.boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < d.boxes.size(); ++j) {
      ASSERT_FALSE(overlap(d.boxes[i], d.boxes[j]))
          << d.boxes[i].title << " overlaps " << d.boxes[j].title;
    }
  }
}

TEST(diagram, aggregates_referents_past_the_limit) {
  snapshot_builder b;
  auto l = b.add_node("list", 4028, 1);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    b.add_edge(l, b.add_node("float", 16, 10 + i), edge_kind::index, i);
  }
  b.add_root("xs", l);
  snapshot snap = std::move(b).build();
  diagram d = layout_overview(snap, analyze(snap), {.max_referents = 6});
  ASSERT_EQ(d.boxes.size(), 1u + 1u + 6u + 1u);
  EXPECT_EQ(d.boxes.back().kind, box_kind::more);
  EXPECT_EQ(d.boxes.back().title, "... 994 more references");
}

TEST(diagram, is_deterministic) {
  snapshot snap = two_lists_sharing_a_string();
  diagram a = layout_overview(snap, analyze(snap));
  diagram b = layout_overview(snap, analyze(snap));
  ASSERT_EQ(a.boxes.size(), b.boxes.size());
  for (std::size_t i = 0; i < a.boxes.size(); ++i) {
    EXPECT_EQ(a.boxes[i].x, b.boxes[i].x);
    EXPECT_EQ(a.boxes[i].y, b.boxes[i].y);
    EXPECT_EQ(a.boxes[i].title, b.boxes[i].title);
  }
}

TEST(format_bytes, is_exact_below_one_hundred_thousand) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(44), "44 B");
  EXPECT_EQ(format_bytes(1536), "1,536 B");
  EXPECT_EQ(format_bytes(99999), "99,999 B");
}

TEST(format_bytes, rounds_to_three_digits_above) {
  EXPECT_EQ(format_bytes(100000), "100 kB");
  EXPECT_EQ(format_bytes(2400000), "2.40 MB");
  EXPECT_EQ(format_bytes(10490000), "10.5 MB");
  EXPECT_EQ(format_bytes(999600), "1.00 MB");
  EXPECT_EQ(format_bytes(18446744073709551615ull), "18.4 EB");
}

TEST(describe_platform, names_version_pointer_size_and_runtime) {
  platform_info p;
  p.implementation = "CPython";
  p.python_major = 3;
  p.python_minor = 14;
  p.python_micro = 2;
  p.pointer_size = 4;
  p.machine = "emscripten-wasm32";
  p.runtime = "Pyodide 314.0.7";
  EXPECT_EQ(describe_platform(p), "CPython 3.14.2, 32-bit wasm (Pyodide 314.0.7)");
  p.pointer_size = 8;
  p.machine = "linux-x86_64";
  p.runtime = "native";
  p.python_minor = 13;
  p.python_micro = 0;
  EXPECT_EQ(describe_platform(p), "CPython 3.13.0, 64-bit");
}

}  // namespace
}  // namespace bytewise
