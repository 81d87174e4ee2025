// Tests for bytewise/analysis.hpp: what analyze() fills under each option, with exact
// values on one hand-built snapshot, and that every part equals what the standalone
// function of its own header gives (sizes, cycles, dominators, breakdown, layout model,
// allocation). Each analysis is tested in depth in its header's test file.
#include <bytewise/analysis.hpp>

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

// a = [f, f, 1]; b = Odd(f=f, g=f); c = [d]; d = [c] (a cycle of two lists), measured on
// wasm32 3.14. The list's type object hangs off `a` (not followed by default), and one
// float nothing names is in the capture too.
struct sample {
  snapshot snap;
  std::uint32_t a, f, one, b, c, d, list_type, stray;
};

sample make_sample() {
  snapshot_builder s(testing::wasm32_3_14());
  const auto list_shape = static_cast<std::uint64_t>(shape_family::list);
  const auto float_shape = static_cast<std::uint64_t>(shape_family::float_);
  sample out{};
  out.a = s.add_node("list", 44, 0x1000, node_flag::gc_tracked);  // 28 + 4 slots
  s.set_length(out.a, 3);
  s.set_shape(out.a, list_shape);
  out.f = s.add_node("float", 16, 0x2000);
  s.set_shape(out.f, float_shape);
  out.one = s.add_node("int", 16, 0x3000, node_flag::small_int | node_flag::immortal);
  s.set_shape(out.one, static_cast<std::uint64_t>(shape_family::int_) | (1ull << 8));
  out.b = s.add_node("Odd", 999, 0x4000, node_flag::gc_tracked);  // shape unknown: not modelled
  out.c = s.add_node("list", 32, 0x5000, node_flag::gc_tracked);  // 28 + 1 slot
  out.d = s.add_node("list", 32, 0x6000, node_flag::gc_tracked);
  for (std::uint32_t v : {out.c, out.d}) {
    s.set_length(v, 1);
    s.set_shape(v, list_shape);
  }
  out.list_type = s.add_node("type", 408, 0x7000,
                             static_cast<std::uint32_t>(node_category::type_object) << node_flag::category_shift);
  out.stray = s.add_node("float", 16, 0x8000);
  s.set_shape(out.stray, float_shape);
  s.add_edge(out.a, out.f, edge_kind::index, 0u);
  s.add_edge(out.a, out.f, edge_kind::index, 1u);
  s.add_edge(out.a, out.one, edge_kind::index, 2u);
  s.add_edge(out.a, out.list_type, edge_kind::type);
  s.add_edge(out.b, out.f, edge_kind::attribute, "f");
  s.add_edge(out.b, out.f, edge_kind::attribute, "g");
  s.add_edge(out.c, out.d, edge_kind::index, 0u);
  s.add_edge(out.d, out.c, edge_kind::index, 0u);
  s.add_root("a", out.a);
  s.add_root("b", out.b);
  s.add_root("c", out.c);
  out.snap = std::move(s).build();
  return out;
}

// Field-by-field views, so parts compare with EXPECT_EQ and print when they differ.
template <typename T, typename Fields>
auto each(const std::vector<T>& items, Fields fields) {
  std::vector<decltype(fields(items.front()))> out;
  for (const T& item : items) out.push_back(fields(item));
  return out;
}
auto fields_of(const root_size& r) {
  return std::tuple(r.node, r.shallow, r.deep, r.objects, r.naive, r.shared_bytes, r.shared_objects);
}
auto fields_of(const repeated_object& r) { return std::tuple(r.node, r.times); }
auto fields_of(const cycle& c) { return std::tuple(c.component, c.objects, c.bytes); }
auto fields_of(const type_total& t) { return std::tuple(t.type, t.objects, t.bytes); }
auto fields_of(const ranked_object& r) { return std::tuple(r.node, r.bytes, r.exact); }
auto fields_of(const prediction& p) { return std::tuple(p.status, p.size, p.rule); }
template <typename T>
auto fields(const std::vector<T>& items) {
  return each(items, [](const T& item) { return fields_of(item); });
}

// A model's sums (model_totals::sizes): shallow and deep per root, and the total.
void expect_same_deep(const root_sizes& model, const root_sizes& measured) {
  auto summed = [](const root_size& r) { return std::tuple(r.node, r.shallow, r.deep); };
  EXPECT_EQ(each(model.roots, summed), each(measured.roots, summed));
  EXPECT_EQ(model.total_deep, measured.total_deep);
}

void expect_same_sizes(const root_sizes& x, const root_sizes& y) {
  EXPECT_EQ(fields(x.roots), fields(y.roots));
  EXPECT_EQ(x.total_deep, y.total_deep);
  EXPECT_EQ(x.total_objects, y.total_objects);
  EXPECT_EQ(x.total_naive, y.total_naive);
  EXPECT_EQ(x.references, y.references);
  EXPECT_EQ(x.referrers, y.referrers);
  EXPECT_EQ(x.several_roots, y.several_roots);
  EXPECT_EQ(fields(x.repeated), fields(y.repeated));
  EXPECT_EQ(x.repeated_objects, y.repeated_objects);
  EXPECT_EQ(x.shared_objects, y.shared_objects);
  EXPECT_EQ(x.shared_bytes, y.shared_bytes);
}

std::vector<std::uint32_t> as_vector(std::span<const std::uint32_t> s) { return {s.begin(), s.end()}; }

// What analyze() computes, step by step from the standalone functions.
void expect_parts_agree(const snapshot& snap, const analysis_options& options) {
  const analysis a = analyze(snap, options);
  const followed_graph g = follow(snap, options.policy);
  EXPECT_EQ(a.graph.counted, g.counted);
  EXPECT_EQ(as_vector(a.graph.offsets), as_vector(g.offsets));
  EXPECT_EQ(as_vector(a.graph.targets), as_vector(g.targets));
  EXPECT_EQ(a.graph.root_nodes, g.root_nodes);
  const components comps = strongly_connected(g);
  EXPECT_EQ(a.comps.of, comps.of);
  EXPECT_EQ(a.comps.offsets, comps.offsets);
  EXPECT_EQ(a.comps.nodes, comps.nodes);
  EXPECT_EQ(a.comps.cyclic, comps.cyclic);
  EXPECT_EQ(a.comps.succ_offsets, comps.succ_offsets);
  EXPECT_EQ(a.comps.succ, comps.succ);
  expect_same_sizes(a.sizes, measure_roots(snap, g, comps, options.top_n));
  EXPECT_EQ(fields(a.cycles), fields(find_cycles(comps, snap.graph)));
  EXPECT_EQ(fields(a.types), fields(totals_by_type(snap, comps)));
  EXPECT_EQ(fields(a.top_shallow), fields(largest_by_shallow(snap, comps, options.top_n)));
  EXPECT_EQ(fields(a.top_deep), fields(largest_by_deep(snap, g, comps, options.top_n)));
  const dominator_tree dom = dominators(snap, g);
  EXPECT_EQ(a.dom.idom, dom.idom);
  EXPECT_EQ(a.dom.retained, dom.retained);
  EXPECT_EQ(a.dom.root_retained, dom.root_retained);
  EXPECT_EQ(fields(a.top_retained), fields(largest_by_retained(dom, comps, options.top_n)));
}

TEST(analyze, measures_every_root_and_ranks_every_object_by_default) {
  const sample s = make_sample();
  const analysis a = analyze(s.snap);
  // a: the list, one float (named twice) and the cached 1; b: Odd and the same float;
  // c: both lists of the cycle. The type object and the stray float are in no deep size.
  // Per root: node, shallow, deep, objects, naive, shared bytes, shared objects.
  EXPECT_EQ(fields(a.sizes.roots), fields(std::vector<root_size>{
                                       {s.a, 44, 76, 3, 92, 16, 1},
                                       {s.b, 999, 1015, 2, 1031, 16, 1},
                                       {s.c, 32, 64, 2, 96, 0, 0},
                                   }));
  EXPECT_EQ(a.sizes.total_deep, 44u + 16 + 16 + 999 + 32 + 32);
  EXPECT_EQ(a.sizes.total_objects, 6u);
  EXPECT_EQ(a.sizes.total_naive, 92u + 1031 + 96);
  // Per node: a, f, 1, b, c, d, the type, the stray float.
  EXPECT_EQ(a.sizes.references, (std::vector<std::uint32_t>{1, 4, 1, 1, 2, 1, 0, 0}));
  EXPECT_EQ(a.sizes.referrers, (std::vector<std::uint32_t>{1, 2, 1, 1, 2, 1, 0, 0}));
  EXPECT_EQ(a.sizes.several_roots, (std::vector<std::uint8_t>{0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(fields(a.sizes.repeated), fields(std::vector<repeated_object>{{s.f, 4}, {s.c, 2}}));
  EXPECT_EQ(a.sizes.repeated_objects, 2u);
  EXPECT_EQ(a.sizes.shared_objects, 2u);  // f (two roots), c (its variable and d)
  EXPECT_EQ(a.sizes.shared_bytes, 16u + 32);

  EXPECT_EQ(a.graph.node_count(), 8u);
  EXPECT_EQ(a.graph.edge_count(), 7u);  // all but the reference to the type object
  EXPECT_EQ(a.comps.count(), 5u);       // c and d are one component
  EXPECT_EQ(a.comps.of[s.list_type], no_node);
  EXPECT_EQ(a.comps.of[s.stray], no_node);
  EXPECT_EQ(a.comps.of[s.c], a.comps.of[s.d]);
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.cycles[0].component, a.comps.of[s.c]);
  EXPECT_EQ(a.cycles[0].objects, 2u);
  EXPECT_EQ(a.cycles[0].bytes, 64u);
  EXPECT_EQ(fields(a.types), fields(std::vector<type_total>{
                                 {"Odd", 1, 999},
                                 {"list", 3, 108},
                                 {"float", 1, 16},
                                 {"int", 1, 16},
                             }));
  EXPECT_EQ(fields(a.top_shallow),
            fields(std::vector<ranked_object>{{s.b, 999}, {s.a, 44}, {s.c, 32}, {s.d, 32}, {s.f, 16}, {s.one, 16}}));
  EXPECT_EQ(fields(a.top_deep),
            fields(std::vector<ranked_object>{{s.b, 1015}, {s.a, 76}, {s.c, 64}, {s.d, 64}, {s.f, 16}, {s.one, 16}}));
  // Deleting a frees the list alone: b still holds f, and the cached 1 is the interpreter's.
  EXPECT_EQ(a.dom.root_retained, (std::vector<std::uint64_t>{44, 999, 64}));
  EXPECT_EQ(a.dom.retained, (std::vector<std::uint64_t>{44, 16, 16, 999, 64, 32, 0, 0}));
  EXPECT_EQ(a.dom.idom, (std::vector<std::uint32_t>{dominator_tree::root_marker + 0, dominator_tree::super_root,
                                                    dominator_tree::super_root, dominator_tree::root_marker + 1,
                                                    dominator_tree::root_marker + 2, s.c, no_node, no_node}));
  EXPECT_EQ(fields(a.top_retained),
            fields(std::vector<ranked_object>{{s.b, 999}, {s.c, 64}, {s.a, 44}, {s.d, 32}, {s.f, 16}, {s.one, 16}}));
  EXPECT_FALSE(a.compared.has_value());
  EXPECT_FALSE(a.allocated.has_value());
}

TEST(analyze, gives_what_the_standalone_functions_give) {
  const sample s = make_sample();
  expect_parts_agree(s.snap, {});
  analysis_options everything;
  everything.policy = {.include_interpreter_shared = false,
                       .follow_types = true,
                       .follow_modules = true,
                       .follow_globals = true,
                       .follow_code = true};
  everything.top_n = 3;
  expect_parts_agree(s.snap, everything);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    analysis_options options;
    options.policy.include_interpreter_shared = seed % 2 == 0;
    options.top_n = static_cast<std::uint32_t>(seed % 7);
    expect_parts_agree(testing::random_snapshot(seed), options);
  }
}

TEST(analyze, keeps_its_policy_and_applies_it_to_every_part) {
  const sample s = make_sample();
  analysis_options options;
  options.policy.include_interpreter_shared = false;
  options.policy.follow_types = true;
  const analysis a = analyze(s.snap, options);
  EXPECT_FALSE(a.policy.include_interpreter_shared);
  EXPECT_TRUE(a.policy.follow_types);
  EXPECT_FALSE(a.policy.follow_modules);
  EXPECT_FALSE(a.policy.follow_globals);
  EXPECT_FALSE(a.policy.follow_code);
  // The cached 1 is left out; the type object is in a's deep size.
  EXPECT_EQ(a.graph.counted[s.one], 0);
  EXPECT_EQ(a.sizes.roots[0].deep, 44u + 16 + 408);
  EXPECT_EQ(a.sizes.roots[0].objects, 3u);
  EXPECT_EQ(a.comps.of[s.one], no_node);
  EXPECT_EQ(a.dom.idom[s.one], no_node);
  EXPECT_EQ(a.dom.idom[s.list_type], s.a);
  EXPECT_EQ(a.dom.root_retained[0], 44u + 408);
  EXPECT_EQ(fields(a.types), fields(std::vector<type_total>{
                                 {"Odd", 1, 999},
                                 {"type", 1, 408},
                                 {"list", 3, 108},
                                 {"float", 1, 16},
                             }));
}

TEST(analyze, cuts_the_top_lists_and_the_repeated_objects_to_top_n) {
  const sample s = make_sample();
  analysis_options options;
  options.top_n = 1;
  const analysis a = analyze(s.snap, options);
  EXPECT_EQ(fields(a.top_shallow), fields(std::vector<ranked_object>{{s.b, 999}}));
  EXPECT_EQ(fields(a.top_deep), fields(std::vector<ranked_object>{{s.b, 1015}}));
  EXPECT_EQ(fields(a.top_retained), fields(std::vector<ranked_object>{{s.b, 999}}));
  EXPECT_EQ(fields(a.sizes.repeated), fields(std::vector<repeated_object>{{s.f, 4}}));
  EXPECT_EQ(a.sizes.repeated_objects, 2u);  // still says how many there are
  // Nothing else depends on top_n.
  EXPECT_EQ(a.sizes.total_deep, 1139u);
  EXPECT_EQ(a.types.size(), 4u);
  EXPECT_EQ(a.cycles.size(), 1u);

  options.top_n = 0;
  const analysis none = analyze(s.snap, options);
  EXPECT_TRUE(none.top_shallow.empty());
  EXPECT_TRUE(none.top_deep.empty());
  EXPECT_TRUE(none.top_retained.empty());
  EXPECT_TRUE(none.sizes.repeated.empty());
  EXPECT_EQ(none.sizes.repeated_objects, 2u);
}

TEST(analyze, without_retained_sizes_leaves_the_dominator_tree_and_its_ranking_empty) {
  const sample s = make_sample();
  analysis_options options;
  options.retained = false;
  const analysis a = analyze(s.snap, options);
  EXPECT_TRUE(a.dom.idom.empty());
  EXPECT_TRUE(a.dom.retained.empty());
  EXPECT_TRUE(a.dom.root_retained.empty());
  EXPECT_TRUE(a.top_retained.empty());
  // Everything else is as with them.
  const analysis full = analyze(s.snap);
  expect_same_sizes(a.sizes, full.sizes);
  EXPECT_EQ(fields(a.types), fields(full.types));
  EXPECT_EQ(fields(a.cycles), fields(full.cycles));
  EXPECT_EQ(fields(a.top_shallow), fields(full.top_shallow));
  EXPECT_EQ(fields(a.top_deep), fields(full.top_deep));
}

TEST(analyze, compares_every_reachable_object_with_another_platform) {
  const sample s = make_sample();
  analysis_options options;
  options.compare_with = cpython_target{12, 8};
  const analysis a = analyze(s.snap, options);
  ASSERT_TRUE(a.compared.has_value());
  const comparison& c = *a.compared;
  EXPECT_EQ(c.target, (cpython_target{12, 8}));
  // 64-bit 3.12: a list is 56 + 8 per slot, a float 24, the int 1 28.
  EXPECT_EQ(c.per_node[s.a].size, 56u + 4 * 8);
  EXPECT_EQ(c.per_node[s.f].size, 24u);
  EXPECT_EQ(c.per_node[s.one].size, 28u);
  EXPECT_EQ(c.per_node[s.b].status, prediction_status::not_modelled);
  EXPECT_EQ(c.per_node[s.c].size, 56u + 8);
  for (std::uint32_t v : {s.a, s.f, s.one, s.b, s.c, s.d}) {
    const prediction p = predict_getsizeof(s.snap, v, {12, 8});
    EXPECT_EQ(fields_of(c.per_node[v]), fields_of(p)) << "node " << v;
  }
  // Objects no root reaches are not asked (the stray float would be 24 bytes).
  for (std::uint32_t v : {s.list_type, s.stray}) {
    EXPECT_EQ(fields_of(c.per_node[v]), fields_of(prediction{})) << "node " << v;
  }
  // Deep sizes over the same objects, from the predictions; Odd counts as 0 and is named.
  EXPECT_EQ(c.sizes.roots[0].deep, 88u + 24 + 28);
  EXPECT_EQ(c.sizes.roots[1].deep, 24u);
  EXPECT_EQ(c.sizes.roots[2].deep, 64u + 64);
  EXPECT_EQ(c.sizes.total_deep, 88u + 24 + 28 + 64 + 64);
  std::vector<std::uint64_t> weights(s.snap.graph.node_count(), 0);
  for (std::uint32_t v = 0; v < weights.size(); ++v) {
    if (c.per_node[v].status != prediction_status::not_modelled) weights[v] = c.per_node[v].size;
  }
  expect_same_deep(c.sizes, measure_roots(s.snap, a.graph, a.comps, 0, weights));
  EXPECT_EQ(c.unmodelled, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(c.assumed, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(c.total_unmodelled, 1u);
  EXPECT_EQ(c.total_assumed, 0u);
  // Allocated sizes were not asked for.
  EXPECT_FALSE(c.allocated.has_value());
  EXPECT_FALSE(a.allocated.has_value());
  // The rest of the analysis is the snapshot's own.
  EXPECT_EQ(a.sizes.total_deep, 1139u);
}

TEST(analyze, gives_the_bytes_the_allocator_reserved_on_the_snapshot_s_platform) {
  const sample s = make_sample();
  analysis_options options;
  options.allocated = true;
  const analysis a = analyze(s.snap, options);
  EXPECT_FALSE(a.compared.has_value());
  ASSERT_TRUE(a.allocated.has_value());
  const allocated_sizes& here = *a.allocated;
  EXPECT_EQ(here.target, (cpython_target{14, 4}));
  // dlmalloc: chunk = max(16, round_up(request + 4, 8)). A list is its object (28 -> 32)
  // and its slots (16 -> 24, 4 -> 16); the float 16 -> 24; the cached 1 is static data.
  EXPECT_EQ(here.per_node, (std::vector<std::uint64_t>{32 + 24, 24, 0, 0, 32 + 16, 32 + 16, 0, 0}));
  for (std::uint32_t v : {s.a, s.f, s.one, s.b, s.c, s.d}) {
    const allocation alloc = predict_allocation(s.snap, v, {14, 4});
    EXPECT_EQ(here.per_node[v], alloc.reserved()) << "node " << v;
    EXPECT_EQ(here.status[v], alloc.status) << "node " << v;
  }
  EXPECT_EQ(here.status[s.b], prediction_status::not_modelled);
  EXPECT_EQ(here.status[s.list_type], prediction_status::not_modelled);  // not asked
  EXPECT_EQ(here.status[s.stray], prediction_status::not_modelled);      // not asked
  EXPECT_EQ(each(here.sizes.roots, [](const root_size& r) { return r.deep; }),
            (std::vector<std::uint64_t>{56 + 24, 24, 48 + 48}));
  EXPECT_EQ(here.sizes.total_deep, 56u + 24 + 48 + 48);
  EXPECT_EQ(here.unmodelled, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(here.assumed, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(here.total_unmodelled, 1u);
  EXPECT_EQ(here.total_assumed, 0u);
}

TEST(analyze, gives_the_bytes_the_allocator_would_reserve_on_the_compared_platform) {
  const sample s = make_sample();
  analysis_options options;
  options.allocated = true;
  options.compare_with = cpython_target{12, 8};
  const analysis a = analyze(s.snap, options);
  ASSERT_TRUE(a.allocated.has_value());
  EXPECT_EQ(a.allocated->target, (cpython_target{14, 4}));
  ASSERT_TRUE(a.compared && a.compared->allocated);
  const allocated_sizes& there = *a.compared->allocated;
  EXPECT_EQ(there.target, (cpython_target{12, 8}));
  // pymalloc's 16-byte classes: a list object 56 -> 64 and its slots 32 -> 32, 8 -> 16;
  // the float 24 -> 32; the small ints are static data on 3.12 too.
  EXPECT_EQ(there.per_node, (std::vector<std::uint64_t>{64 + 32, 32, 0, 0, 64 + 16, 64 + 16, 0, 0}));
  for (std::uint32_t v : {s.a, s.f, s.one, s.b, s.c, s.d}) {
    const allocation alloc = predict_allocation(s.snap, v, {12, 8});
    EXPECT_EQ(there.per_node[v], alloc.reserved()) << "node " << v;
    EXPECT_EQ(there.status[v], alloc.status) << "node " << v;
  }
  EXPECT_EQ(each(there.sizes.roots, [](const root_size& r) { return r.deep; }),
            (std::vector<std::uint64_t>{96 + 32, 32, 80 + 80}));
  EXPECT_EQ(there.unmodelled, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(there.total_unmodelled, 1u);
}

// Thousands of objects of a few kinds, as programs make them: a kind is asked of the model
// once and its answer reused (analysis.cpp's memo), which must give every object exactly
// what asking for it alone gives, flags, lengths and sizes that differ by one included.
TEST(analyze, answers_each_object_as_the_model_does_alone_when_many_are_alike) {
  testing::rng r(7);
  snapshot_builder b(testing::wasm32_3_14());
  const std::uint32_t top = b.add_node("list", 28 + 4 * 3000, 0x100000, node_flag::gc_tracked);
  b.set_shape(top, static_cast<std::uint64_t>(shape_family::list));
  const std::uint32_t flag_choices[] = {0,
                                        node_flag::small_int | node_flag::immortal,
                                        node_flag::interned,
                                        node_flag::static_object,
                                        node_flag::gc_tracked,
                                        node_flag::interned | node_flag::static_object};
  const shape_family families[] = {shape_family::int_,  shape_family::float_,   shape_family::str,
                                   shape_family::list,  shape_family::tuple,    shape_family::bytes,
                                   shape_family::set,   shape_family::instance, shape_family::dict,
                                   shape_family::bool_, shape_family::singleton};
  std::uint32_t count = 0;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    const shape_family family = families[r.below(std::size(families))];
    std::uint64_t shape = static_cast<std::uint64_t>(family);
    const std::uint64_t n = r.below(6);
    std::uint64_t size = 0;
    switch (family) {
      case shape_family::int_:
        shape |= std::uint64_t{1 + r.below(40)} << 8;
        size = 16 + 4 * r.below(3);
        break;
      case shape_family::str:
        shape |= std::uint64_t{r.below(2)} << 8;
        size = 20 + n + 1 + r.below(2);
        break;
      case shape_family::list: size = 28 + 4 * (n + r.below(3)); break;
      case shape_family::tuple: size = 12 + 4 * n; break;
      case shape_family::bytes: size = 17 + n; break;
      case shape_family::set: size = 108 + 8 * 16 * r.below(2); break;
      case shape_family::instance:
        shape |= std::uint64_t{r.below(2)} << 8 | std::uint64_t{r.below(2)} << 24;
        size = 16 + 4 * r.below(2);
        break;
      case shape_family::dict: size = 40 + 4 * r.below(30); break;
      default: size = 16 + 4 * r.below(2); break;
    }
    const std::uint32_t flags =
        flag_choices[r.below(std::size(flag_choices))] | (r.below(2) ? node_flag::has_length : 0);
    const std::uint32_t v = b.add_node("t", size, 0x200000 + 16 * i, flags);
    b.set_shape(v, shape);
    b.set_length(v, n);
    b.add_edge(top, v, edge_kind::index, count++);
  }
  b.add_root("top", top);
  const snapshot snap = std::move(b).build();
  for (const cpython_target target : {cpython_target{8, 8}, cpython_target{12, 8}, cpython_target{15, 8}}) {
    analysis_options options;
    options.allocated = true;
    options.compare_with = target;
    const analysis a = analyze(snap, options);
    ASSERT_TRUE(a.compared && a.compared->allocated && a.allocated);
    std::uint32_t exact = 0;
    for (std::uint32_t v = 0; v < snap.graph.node_count(); ++v) {
      const prediction p = predict_getsizeof(snap, v, target);
      EXPECT_EQ(fields_of(a.compared->per_node[v]), fields_of(p)) << "node " << v;
      exact += p.status == prediction_status::exact;
      const allocation there = predict_allocation(snap, v, target, {}, &a.compared->allocated->instance_dicts.added[v]);
      EXPECT_EQ(a.compared->allocated->per_node[v], there.reserved()) << "node " << v;
      EXPECT_EQ(a.compared->allocated->status[v], there.status) << "node " << v;
      const allocation here = predict_allocation(snap, v, {14, 4}, {}, &a.allocated->instance_dicts.added[v]);
      EXPECT_EQ(a.allocated->per_node[v], here.reserved()) << "node " << v;
      EXPECT_EQ(a.allocated->status[v], here.status) << "node " << v;
    }
    if (target.minor != 15) {
      EXPECT_GT(exact, 1000u);  // the model sizes most of them: a test of answers, not refusals
    }
  }
}

TEST(analyze, gives_no_allocated_sizes_for_a_platform_the_model_does_not_cover) {
  platform_info pypy;
  pypy.implementation = "PyPy";
  pypy.pointer_size = 8;
  pypy.python_major = 3;
  pypy.python_minor = 10;
  snapshot_builder b(pypy);
  b.add_root("x", b.add_node("float", 24, 1));
  analysis_options options;
  options.allocated = true;
  const analysis a = analyze(std::move(b).build(), options);
  EXPECT_FALSE(a.allocated.has_value());
  EXPECT_EQ(a.sizes.roots[0].deep, 24u);
}

}  // namespace
}  // namespace bytewise
