// Tests for bytewise/diagram.hpp: the pointer diagram's layout and the number formats it
// shows. The seed-style programs are built here as the probe would capture them.
#include "graph_helpers.hpp"

#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace bytewise {
namespace {

bool overlap(const diagram_box& a, const diagram_box& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void expect_no_overlaps(const diagram& d, const std::string& what) {
  for (std::size_t i = 0; i < d.boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < d.boxes.size(); ++j) {
      ASSERT_FALSE(overlap(d.boxes[i], d.boxes[j]))
          << what << ": " << d.boxes[i].title << " overlaps " << d.boxes[j].title;
    }
  }
}

// Every object box's rows, as "title: label -> target title" (or "= value").
std::vector<std::string> rows_of(const diagram& d) {
  std::vector<std::string> out;
  for (const diagram_box& box : d.boxes) {
    for (const diagram_row& row : box.rows) {
      std::string text = box.title + ": " + row.label;
      if (row.box != no_box) text += " -> " + d.boxes[row.box].title;
      if (!row.value.empty()) text += " = " + row.value;
      out.push_back(text);
    }
  }
  return out;
}

std::uint32_t count(const diagram& d, box_kind kind) {
  std::uint32_t n = 0;
  for (const diagram_box& box : d.boxes) n += box.kind == kind;
  return n;
}

const diagram_box& box_titled(const diagram& d, const std::string& title) {
  for (const diagram_box& box : d.boxes) {
    if (box.title == title) return box;
  }
  ADD_FAILURE() << "no box titled " << title;
  return d.boxes.front();
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

// The seeds' programs, as captures.
// cache = [Item("x" * 100_000) for _ in range(100)]: 100 instances, each with a big str.
snapshot cache_of_big_strings() {
  snapshot_builder b;
  auto list = b.add_node("list", 428, 1);
  b.set_length(list, 100);
  for (std::uint32_t i = 0; i < 100; ++i) {
    auto item = b.add_node("Item", 24, 100 + 2 * i);
    auto text = b.add_node("str", 100021, 101 + 2 * i);
    b.set_label(text, "'xxxxxxxxxxxxxxxxxxxx...'");
    b.set_length(text, 100000);
    b.add_edge(list, item, edge_kind::index, i);
    b.add_edge(item, text, edge_kind::attribute, "data");
  }
  b.add_root("cache", list);
  return std::move(b).build();
}

// big = [10**100] * 3; small = [1, 2, 3]
snapshot big_and_small_ints() {
  snapshot_builder b;
  auto big = b.add_node("list", 40, 1);
  b.set_length(big, 3);
  auto google = b.add_node("int", 56, 2);
  b.set_label(google, "1000000000000000000000...");
  for (std::uint32_t i = 0; i < 3; ++i) b.add_edge(big, google, edge_kind::index, i);
  auto small = b.add_node("list", 44, 3);
  b.set_length(small, 3);
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto n = b.add_node("int", 16, 10 + i, node_flag::small_int | node_flag::immortal);
    b.set_label(n, std::to_string(i + 1));
    b.add_edge(small, n, edge_kind::index, i);
  }
  b.add_root("big", big);
  b.add_root("small", small);
  return std::move(b).build();
}

// a = []; a.append(a); b = {"self": None}; b["self"] = b
snapshot cycles() {
  snapshot_builder b;
  auto a = b.add_node("list", 32, 1);
  b.set_length(a, 1);
  b.add_edge(a, a, edge_kind::index, 0u);
  auto d = b.add_node("dict", 100, 2);
  b.set_length(d, 1);
  auto key = b.add_node("str", 25, 3, node_flag::interned);
  b.set_label(key, "'self'");
  b.add_edge(d, key, edge_kind::dict_key, "'self'");
  b.add_edge(d, d, edge_kind::dict_value, "'self'");
  b.add_root("a", a);
  b.add_root("b", d);
  return std::move(b).build();
}

// a = 256; b = 256; c = int("257"); d = int("257")
snapshot cached_and_uncached_ints() {
  snapshot_builder b;
  auto cached = b.add_node("int", 16, 1, node_flag::small_int | node_flag::immortal);
  b.set_label(cached, "256");
  auto c = b.add_node("int", 16, 2);
  b.set_label(c, "257");
  auto d = b.add_node("int", 16, 3);
  b.set_label(d, "257");
  b.add_root("a", cached);
  b.add_root("b", cached);
  b.add_root("c", c);
  b.add_root("d", d);
  return std::move(b).build();
}

std::vector<snapshot> corpus() {
  std::vector<snapshot> out;
  out.push_back(two_lists_sharing_a_string());
  out.push_back(cache_of_big_strings());
  out.push_back(big_and_small_ints());
  out.push_back(cycles());
  out.push_back(cached_and_uncached_ints());
  out.push_back(testing::diamond().snap);
  out.push_back(testing::cycle_of_three(true));
  for (std::uint64_t seed = 1; seed <= 60; ++seed) out.push_back(testing::random_snapshot(seed, 40));
  return out;
}

TEST(diagram, draws_variables_as_slots_and_objects_as_boxes_of_rows) {
  snapshot snap = two_lists_sharing_a_string();
  diagram d = layout_diagram(snap, analyze(snap));
  EXPECT_EQ(count(d, box_kind::variable), 3u);
  EXPECT_EQ(count(d, box_kind::object), 4u);  // two lists, the shared string once, the int
  EXPECT_EQ(rows_of(d), (std::vector<std::string>{
                            "a:  -> list",
                            "list: [0] -> str 'hello'",
                            "list: [1] -> int 1",
                            "b:  -> list",
                            "list: [0] -> str 'hello'",
                            "c:  -> list",
                        }));
  // a and c name the same list; its box is in a's band, and c's arrow goes back up to it.
  const diagram_box& a = d.boxes[0];
  EXPECT_EQ(a.title, "a");
  EXPECT_EQ(a.rows[0].box, box_titled(d, "c").rows[0].box);
  const diagram_box& list = d.boxes[a.rows[0].box];
  EXPECT_EQ(list.subtitle, "2 items");
  EXPECT_TRUE(list.flags & box_flag::shared);
  EXPECT_TRUE(box_titled(d, "str 'hello'").flags & box_flag::shared);
  EXPECT_TRUE(box_titled(d, "int 1").flags & box_flag::interpreter);
}

TEST(diagram, puts_numbers_on_every_box) {
  snapshot snap = two_lists_sharing_a_string();
  analysis a = analyze(snap);
  diagram d = layout_diagram(snap, a);
  const diagram_box& var_a = d.boxes[0];
  EXPECT_EQ(var_a.numbers.deep, 36u + 26 + 16);
  EXPECT_EQ(var_a.numbers.objects, 3u);
  ASSERT_TRUE(var_a.numbers.retained.has_value());
  const diagram_box& list = d.boxes[var_a.rows[0].box];
  EXPECT_EQ(list.numbers.shallow, 36u);
  EXPECT_EQ(list.numbers.deep, 36u + 26 + 16);
  EXPECT_TRUE(list.numbers.deep_exact);
  EXPECT_EQ(box_titled(d, "str 'hello'").numbers.deep, 26u);
  EXPECT_FALSE(list.numbers.predicted.has_value());
  EXPECT_FALSE(list.numbers.allocated.has_value());
}

TEST(diagram, shows_the_compared_and_allocated_sizes_when_the_analysis_has_them) {
  snapshot_builder b;  // a wasm32 3.14 capture by default
  auto l = b.add_node("list", 28, 1);
  b.set_length(l, 0);
  b.set_shape(l, static_cast<std::uint64_t>(shape_family::list));
  b.add_root("empty", l);
  snapshot snap = std::move(b).build();
  analysis_options options;
  options.compare_with = cpython_target{12, 8};
  options.allocated = true;
  diagram d = layout_diagram(snap, analyze(snap, options));
  const diagram_box& list = d.boxes[1];
  ASSERT_TRUE(list.numbers.predicted.has_value());
  EXPECT_EQ(*list.numbers.predicted, 56u);
  EXPECT_EQ(list.numbers.predicted_status, prediction_status::exact);
  ASSERT_TRUE(list.numbers.allocated.has_value());
  EXPECT_EQ(*list.numbers.allocated, 32u);        // dlmalloc: 28 -> 32
  EXPECT_EQ(*d.boxes[0].numbers.predicted, 56u);  // the variable: its deep size there
}

TEST(diagram, labels_dict_rows_with_their_keys_and_draws_no_key_boxes) {
  snapshot_builder b;
  auto d = b.add_node("dict", 184, 1);
  b.set_length(d, 2);
  for (std::uint32_t i = 0; i < 2; ++i) {
    auto key = b.add_node("str", 22, 10 + i, node_flag::interned);
    b.set_label(key, i ? "'b'" : "'a'");
    auto value = b.add_node("float", 16, 20 + i);
    b.set_label(value, i ? "2.5" : "1.5");
    b.add_edge(d, key, edge_kind::dict_key, i ? "'b'" : "'a'");
    b.add_edge(d, value, edge_kind::dict_value, i ? "'b'" : "'a'");
  }
  b.add_root("prices", d);
  snapshot snap = std::move(b).build();
  diagram out = layout_diagram(snap, analyze(snap));
  EXPECT_EQ(rows_of(out),
            (std::vector<std::string>{"prices:  -> dict", "dict: 'a' -> float 1.5", "dict: 'b' -> float 2.5"}));
}

TEST(diagram, draws_shared_small_values_inline_when_asked) {
  snapshot snap = big_and_small_ints();
  diagram boxes = layout_diagram(snap, analyze(snap));
  EXPECT_EQ(count(boxes, box_kind::object), 2u + 1u + 3u);
  diagram_options options;
  options.inline_shared = true;
  diagram inline_values = layout_diagram(snap, analyze(snap), options);
  EXPECT_EQ(count(inline_values, box_kind::object), 2u + 1u);  // the big int stays a box
  EXPECT_EQ(rows_of(inline_values), (std::vector<std::string>{
                                        "big:  -> list",
                                        "list: [0] -> int 1000000000000000000000...",
                                        "list: [1] -> int 1000000000000000000000...",
                                        "list: [2] -> int 1000000000000000000000...",
                                        "small:  -> list",
                                        "list: [0] = 1",
                                        "list: [1] = 2",
                                        "list: [2] = 3",
                                    }));
}

TEST(diagram, aggregates_a_long_run_of_one_type) {
  snapshot_builder b;
  auto l = b.add_node("list", 4028, 1);
  b.set_length(l, 1000);
  for (std::uint32_t i = 0; i < 1000; ++i) b.add_edge(l, b.add_node("float", 16, 10 + i), edge_kind::index, i);
  b.add_root("xs", l);
  snapshot snap = std::move(b).build();
  diagram d = layout_diagram(snap, analyze(snap));
  const diagram_box& list = d.boxes[1];
  ASSERT_EQ(list.rows.size(), 11u);  // 10 rows and "... 990 more"
  const diagram_row& more = list.rows.back();
  EXPECT_EQ(more.label, "\xE2\x80\xA6 990 more");
  EXPECT_EQ(more.hidden, 990u);
  ASSERT_NE(more.box, no_box);
  const diagram_box& many = d.boxes[more.box];
  EXPECT_EQ(many.kind, box_kind::aggregate);
  EXPECT_EQ(many.title, "990 \xC3\x97 float");
  EXPECT_EQ(many.subtitle, "16 B each");
  EXPECT_EQ(many.numbers.shallow, 990u * 16);
  EXPECT_EQ(many.numbers.objects, 990u);
  EXPECT_EQ(d.boxes.size(), 1u + 1u + 10u + 1u);

  // Expanded: every row up to the expanded limit, no aggregate.
  diagram_options options;
  options.expanded = {0};  // the list's node
  options.expanded_rows = 200;
  diagram open = layout_diagram(snap, analyze(snap), options);
  EXPECT_EQ(open.boxes[1].rows.size(), 201u);
  EXPECT_EQ(open.boxes[1].rows.back().label, "\xE2\x80\xA6 800 more");
}

TEST(diagram, leaves_mixed_runs_unboxed) {
  snapshot_builder b;
  auto l = b.add_node("list", 84, 1);
  for (std::uint32_t i = 0; i < 14; ++i) {
    b.add_edge(l, b.add_node(i % 2 ? "float" : "str", 16, 10 + i), edge_kind::index, i);
  }
  b.add_root("mixed", l);
  snapshot snap = std::move(b).build();
  diagram d = layout_diagram(snap, analyze(snap));
  EXPECT_EQ(d.boxes[1].rows.back().label, "\xE2\x80\xA6 4 more");
  EXPECT_EQ(d.boxes[1].rows.back().box, no_box);
}

TEST(diagram, draws_cycles_as_arrows_back) {
  snapshot snap = cycles();
  diagram d = layout_diagram(snap, analyze(snap));
  int back = 0;
  for (const diagram_arrow& arrow : d.arrows) {
    if (arrow.from == arrow.to) {
      ++back;
      EXPECT_TRUE(arrow.back);
      EXPECT_TRUE(d.boxes[arrow.to].flags & box_flag::cycle);
      // Out to the right of the box, then into its top.
      EXPECT_GT(arrow.path[1].x, d.boxes[arrow.from].x + d.boxes[arrow.from].w);
      EXPECT_EQ(arrow.path.back().y, d.boxes[arrow.to].y);
    }
  }
  EXPECT_EQ(back, 2);
  EXPECT_EQ(rows_of(d)[3], "dict: 'self' -> dict");
}

TEST(diagram, starts_arrows_on_their_row_and_ends_them_on_the_target) {
  snapshot snap = two_lists_sharing_a_string();
  diagram d = layout_diagram(snap, analyze(snap));
  for (const diagram_arrow& arrow : d.arrows) {
    const diagram_box& from = d.boxes[arrow.from];
    const diagram_box& to = d.boxes[arrow.to];
    const diagram_point start = arrow.path.front(), end = arrow.path.back();
    EXPECT_GT(start.x, from.x);
    EXPECT_LT(start.x, from.x + from.w);
    EXPECT_GE(start.y, from.y + from.rows_y);
    EXPECT_LE(start.y, from.y + from.h);
    if (!arrow.back) {
      EXPECT_EQ(end.x, to.x);
      EXPECT_GT(end.y, to.y);
      EXPECT_LT(end.y, to.y + to.h);
    }
  }
}

TEST(diagram, routes_long_arrows_between_the_boxes_they_pass) {
  // x = [[[end]]] puts `end` three columns out in x's band; y = [end, [0.5]] reaches it
  // from the first column of its own band, so that arrow crosses column 2, where both
  // x's inner list and y's own [0.5] sit.
  snapshot_builder b;
  auto x = b.add_node("list", 32, 1);
  auto inner = b.add_node("list", 32, 2);
  auto end = b.add_node("list", 32, 3);
  auto text = b.add_node("str", 30, 4);
  b.add_edge(x, inner, edge_kind::index, 0u);
  b.add_edge(inner, end, edge_kind::index, 0u);
  b.add_edge(end, text, edge_kind::index, 0u);
  auto y = b.add_node("list", 36, 5);
  auto half = b.add_node("list", 32, 6);
  auto f = b.add_node("float", 16, 7);
  b.add_edge(y, end, edge_kind::index, 0u);
  b.add_edge(y, half, edge_kind::index, 1u);
  b.add_edge(half, f, edge_kind::index, 0u);
  b.add_root("x", x);
  b.add_root("y", y);
  snapshot snap = std::move(b).build();
  diagram d = layout_diagram(snap, analyze(snap));
  expect_no_overlaps(d, "long arrows");
  int long_arrows = 0;
  for (const diagram_arrow& arrow : d.arrows) {
    long_arrows += !arrow.back && d.boxes[arrow.to].column > d.boxes[arrow.from].column + 1;
    // No point between the ends lies inside a box.
    for (std::size_t i = 1; i + 1 < arrow.path.size(); ++i) {
      for (const diagram_box& box : d.boxes) {
        const diagram_point p = arrow.path[i];
        EXPECT_FALSE(p.x > box.x && p.x < box.x + box.w && p.y > box.y && p.y < box.y + box.h)
            << "an arrow from " << d.boxes[arrow.from].title << " passes through " << box.title;
      }
    }
  }
  EXPECT_EQ(long_arrows, 1);
}

TEST(diagram, never_overlaps_boxes_and_is_deterministic) {
  int i = 0;
  for (const snapshot& snap : corpus()) {
    const analysis a = analyze(snap);
    diagram first = layout_diagram(snap, a);
    expect_no_overlaps(first, "corpus snapshot " + std::to_string(i));
    diagram second = layout_diagram(snap, a);
    ASSERT_EQ(first.boxes.size(), second.boxes.size());
    for (std::size_t b = 0; b < first.boxes.size(); ++b) {
      EXPECT_EQ(first.boxes[b].x, second.boxes[b].x);
      EXPECT_EQ(first.boxes[b].y, second.boxes[b].y);
      EXPECT_EQ(first.boxes[b].title, second.boxes[b].title);
    }
    ASSERT_EQ(first.arrows.size(), second.arrows.size());
    for (std::size_t k = 0; k < first.arrows.size(); ++k) {
      ASSERT_EQ(first.arrows[k].path.size(), second.arrows[k].path.size());
      for (std::size_t p = 0; p < first.arrows[k].path.size(); ++p) {
        EXPECT_EQ(first.arrows[k].path[p].x, second.arrows[k].path[p].x);
        EXPECT_EQ(first.arrows[k].path[p].y, second.arrows[k].path[p].y);
      }
    }
    for (const diagram_box& box : first.boxes) {
      EXPECT_LE(box.x + box.w, first.width);
      EXPECT_LE(box.y + box.h, first.height);
    }
    ++i;
  }
}

TEST(diagram, keeps_every_box_in_place_when_a_variable_is_added) {
  snapshot_builder before_b, after_b;
  for (snapshot_builder* b : {&before_b, &after_b}) {
    auto s = b->add_node("str", 26, 1);
    b->set_label(s, "'hello'");
    auto l = b->add_node("list", 36, 2);
    b->set_length(l, 2);
    b->add_edge(l, s, edge_kind::index, 0u);
    b->add_edge(l, s, edge_kind::index, 1u);
    b->add_root("words", l);
    b->add_root("w", s);
  }
  auto extra = after_b.add_node("float", 16, 3);
  after_b.set_label(extra, "1.5");
  after_b.add_root("z", extra);
  snapshot before = std::move(before_b).build(), after = std::move(after_b).build();
  diagram d1 = layout_diagram(before, analyze(before));
  diagram d2 = layout_diagram(after, analyze(after));
  ASSERT_EQ(d2.boxes.size(), d1.boxes.size() + 2);  // the variable and its float
  for (std::size_t i = 0; i < d1.boxes.size(); ++i) {
    EXPECT_EQ(d1.boxes[i].x, d2.boxes[i].x) << d1.boxes[i].title;
    EXPECT_EQ(d1.boxes[i].y, d2.boxes[i].y) << d1.boxes[i].title;
  }
  EXPECT_GT(d2.boxes.back().y, d1.height);
}

TEST(diagram, aligns_a_box_with_the_row_that_points_at_it) {
  snapshot snap = two_lists_sharing_a_string();
  diagram d = layout_diagram(snap, analyze(snap));
  const diagram_box& var = d.boxes[0];
  const diagram_box& list = d.boxes[var.rows[0].box];
  EXPECT_EQ(list.y, var.y);  // a variable and its object side by side
  const diagram_box& text = d.boxes[list.rows[0].box];
  EXPECT_EQ(text.y + diagram_metrics::padding / 2 + diagram_metrics::line_height / 2,
            list.y + list.rows_y + diagram_metrics::line_height / 2);  // level with row [0]
}

TEST(diagram, orders_a_layer_by_the_rows_pointing_into_it) {
  // x = [p, q]; p = [A, B]; q = [A]. Made breadth-first, A comes before B; but A is also
  // pointed at from q, below, so its barycenter puts it under B: fewer crossings.
  snapshot_builder b;
  auto x = b.add_node("list", 36, 1);
  auto p = b.add_node("list", 36, 2);
  auto q = b.add_node("list", 32, 3);
  auto big_a = b.add_node("str", 30, 4);
  b.set_label(big_a, "'A'");
  auto big_b = b.add_node("str", 30, 5);
  b.set_label(big_b, "'B'");
  b.add_edge(x, p, edge_kind::index, 0u);
  b.add_edge(x, q, edge_kind::index, 1u);
  b.add_edge(p, big_a, edge_kind::index, 0u);
  b.add_edge(p, big_b, edge_kind::index, 1u);
  b.add_edge(q, big_a, edge_kind::index, 0u);
  b.add_root("x", x);
  snapshot snap = std::move(b).build();
  diagram d = layout_diagram(snap, analyze(snap));
  EXPECT_LT(box_titled(d, "str 'B'").y, box_titled(d, "str 'A'").y);
  expect_no_overlaps(d, "barycenter");
}

TEST(diagram, stops_at_its_limits_and_says_so) {
  // A 100,000-deep chain: columns stop at max_depth; the last row shows an address.
  snapshot_builder b;
  std::uint32_t prev = b.add_node("list", 32, 1);
  b.add_root("deep", prev);
  for (std::uint32_t i = 1; i < 100000; ++i) {
    std::uint32_t next = b.add_node("list", 32, 1 + i);
    b.add_edge(prev, next, edge_kind::index, 0u);
    prev = next;
  }
  snapshot snap = std::move(b).build();
  diagram_options options;
  options.max_depth = 12;
  diagram d = layout_diagram(snap, analyze(snap), options);
  EXPECT_TRUE(d.limited);
  EXPECT_EQ(count(d, box_kind::object), 12u);
  const diagram_row& last = d.boxes.back().rows.back();
  EXPECT_EQ(last.box, no_box);
  EXPECT_EQ(last.value.rfind("0x", 0), 0u);
  // The first box's deep size covers the whole chain.
  EXPECT_EQ(d.boxes[1].numbers.deep, 100000u * 32);

  options = {};
  options.max_boxes = 5;
  diagram few = layout_diagram(snap, analyze(snap), options);
  EXPECT_TRUE(few.limited);
  EXPECT_EQ(few.boxes.size(), 5u);
}

TEST(diagram, marks_deep_sizes_cut_short_by_the_work_limit) {
  snapshot snap = cache_of_big_strings();
  diagram_options options;
  options.deep_work = 50;
  diagram d = layout_diagram(snap, analyze(snap), options);
  const diagram_box& list = d.boxes[1];
  EXPECT_FALSE(list.numbers.deep_exact);
  EXPECT_LT(list.numbers.deep, 428u + 100 * (24u + 100021));
  EXPECT_EQ(d.boxes[0].numbers.deep, 428u + 100 * (24u + 100021));  // the variable's is exact
}

TEST(diagram, draws_the_seed_programs) {
  snapshot cache = cache_of_big_strings();
  diagram d = layout_diagram(cache, analyze(cache));
  EXPECT_EQ(d.boxes[1].title, "list");
  EXPECT_EQ(d.boxes[1].subtitle, "100 items");
  EXPECT_EQ(d.boxes[1].numbers.shallow, 428u);                      // under 1 KB ...
  EXPECT_EQ(d.boxes[0].numbers.deep, 428u + 100 * (24u + 100021));  // ... holding 10 MB
  EXPECT_EQ(d.boxes[1].rows.back().label, "\xE2\x80\xA6 90 more");
  EXPECT_EQ(d.boxes[d.boxes[1].rows.back().box].title, "90 \xC3\x97 Item");

  snapshot ints = cached_and_uncached_ints();
  diagram i = layout_diagram(ints, analyze(ints));
  EXPECT_EQ(rows_of(i),
            (std::vector<std::string>{"a:  -> int 256", "b:  -> int 256", "c:  -> int 257", "d:  -> int 257"}));
  EXPECT_EQ(i.boxes[0].rows[0].box, i.boxes[2].rows[0].box);  // one cached 256
  EXPECT_NE(i.boxes[3].rows[0].box, i.boxes[5].rows[0].box);  // two 257s
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
