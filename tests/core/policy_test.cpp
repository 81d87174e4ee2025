// Tests for bytewise/policy.hpp: which objects count as the interpreter's, which
// references and objects each switch lets an analysis follow (every edge kind and node
// category under every policy), and the graph follow() builds: exact edges with and
// without filtering, and views of the snapshot's own columns that outlive a move of it.
#include <bytewise/policy.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "graph_helpers.hpp"

namespace bytewise {
namespace {

// All 32 combinations of the five switches.
std::vector<traversal_policy> every_policy() {
  std::vector<traversal_policy> out;
  for (unsigned bits = 0; bits < 32; ++bits) {
    out.push_back({(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0, (bits & 16) != 0});
  }
  return out;
}

// Every switch on and the interpreter's objects counted: nothing is left out.
constexpr traversal_policy follow_everything{
    .follow_types = true, .follow_modules = true, .follow_globals = true, .follow_code = true};

std::string describe(const traversal_policy& p) {
  return std::string("shared ") + (p.include_interpreter_shared ? "in" : "out") + ", types " +
         (p.follow_types ? "on" : "off") + ", modules " + (p.follow_modules ? "on" : "off") + ", globals " +
         (p.follow_globals ? "on" : "off") + ", code " + (p.follow_code ? "on" : "off");
}

// Every edge kind and node category, by the switch that rules it (none: always followed).
constexpr edge_kind ownership_kinds[] = {edge_kind::index,       edge_kind::dict_key,   edge_kind::dict_value,
                                         edge_kind::attribute,   edge_kind::slot,       edge_kind::closure_cell,
                                         edge_kind::frame_local, edge_kind::set_member, edge_kind::other};
constexpr edge_kind type_kinds[] = {edge_kind::type, edge_kind::definition};
constexpr node_category always_entered[] = {node_category::ordinary, node_category::function, node_category::frame};

std::uint32_t category_flags(node_category c) { return static_cast<std::uint32_t>(c) << node_flag::category_shift; }

// def f(): ...; i = C() with i.x = 1 and i.m = i.method; k = (f.__code__,); f's globals
// hold a module. Nodes in this order:
struct program {
  snapshot snap;
  std::uint32_t f, code, globals, module, type, instance, method, tuple, one;
};

program make_program() {
  snapshot_builder b(testing::wasm32_3_14());
  program p{};
  p.f = b.add_node("function", 136, 0x100, category_flags(node_category::function));
  p.code = b.add_node("code", 200, 0x200, category_flags(node_category::code));
  p.globals = b.add_node("dict", 1000, 0x300);
  p.module = b.add_node("module", 72, 0x400, category_flags(node_category::module));
  p.type = b.add_node("type", 900, 0x500, category_flags(node_category::type_object));
  p.instance = b.add_node("C", 48, 0x600);
  p.method = b.add_node("method", 32, 0x700);
  p.tuple = b.add_node("tuple", 24, 0x800);
  p.one = b.add_node("int", 16, 0x900, node_flag::small_int | node_flag::immortal);
  b.add_edge(p.f, p.code, edge_kind::code);
  b.add_edge(p.f, p.globals, edge_kind::globals);
  b.add_edge(p.globals, p.module, edge_kind::dict_value, "'os'");
  b.add_edge(p.globals, p.f, edge_kind::dict_value, "'f'");
  b.add_edge(p.instance, p.type, edge_kind::type);
  b.add_edge(p.instance, p.one, edge_kind::attribute, "x");
  b.add_edge(p.instance, p.method, edge_kind::attribute, "m");
  b.add_edge(p.method, p.f, edge_kind::definition);
  b.add_edge(p.method, p.instance, edge_kind::other, "__self__");
  b.add_edge(p.tuple, p.code, edge_kind::index, 0u);
  b.add_root("f", p.f);
  b.add_root("i", p.instance);
  b.add_root("k", p.tuple);
  p.snap = std::move(b).build();
  return p;
}

// The followed references out of `node`, in order.
std::vector<std::uint32_t> out_of(const followed_graph& g, std::uint32_t node) {
  return {g.targets.begin() + g.offsets[node], g.targets.begin() + g.offsets[node + 1]};
}

std::vector<std::uint32_t> as_vector(std::span<const std::uint32_t> s) { return {s.begin(), s.end()}; }

// [SECTION] Which objects are the interpreter's

TEST(policy, shares_immortal_objects_small_ints_and_interned_strings_with_the_interpreter) {
  snapshot_builder b;
  const auto ordinary = b.add_node("list", 28, 1, node_flag::gc_tracked | node_flag::has_length);
  const auto immortal = b.add_node("NoneType", 8, 2, node_flag::immortal);
  const auto small = b.add_node("int", 16, 3, node_flag::small_int);
  const auto interned = b.add_node("str", 30, 4, node_flag::interned);
  const auto all_three = b.add_node("str", 30, 5, node_flag::immortal | node_flag::interned);
  // Static data alone is not a mark of sharing (CPython's static objects are also immortal).
  const auto static_only = b.add_node("tuple", 12, 6, node_flag::static_object);
  const auto type = b.add_node("type", 400, 7, category_flags(node_category::type_object));
  const snapshot s = std::move(b).build();
  EXPECT_FALSE(shared_with_interpreter(s.graph, ordinary));
  EXPECT_TRUE(shared_with_interpreter(s.graph, immortal));
  EXPECT_TRUE(shared_with_interpreter(s.graph, small));
  EXPECT_TRUE(shared_with_interpreter(s.graph, interned));
  EXPECT_TRUE(shared_with_interpreter(s.graph, all_three));
  EXPECT_FALSE(shared_with_interpreter(s.graph, static_only));
  EXPECT_FALSE(shared_with_interpreter(s.graph, type));
}

// [SECTION] Which references each switch follows

TEST(policy, follows_ownership_references_under_every_policy) {
  for (edge_kind kind : ownership_kinds) {
    for (const traversal_policy& p : every_policy()) {
      EXPECT_TRUE(follows_kind(p, kind)) << to_string(kind) << ", " << describe(p);
    }
  }
}

TEST(policy, follows_type_and_definition_references_only_with_follow_types) {
  for (edge_kind kind : type_kinds) {
    for (const traversal_policy& p : every_policy()) {
      EXPECT_EQ(follows_kind(p, kind), p.follow_types) << to_string(kind) << ", " << describe(p);
    }
  }
}

TEST(policy, follows_globals_references_only_with_follow_globals) {
  for (const traversal_policy& p : every_policy()) {
    EXPECT_EQ(follows_kind(p, edge_kind::globals), p.follow_globals) << describe(p);
  }
}

TEST(policy, follows_code_references_only_with_follow_code) {
  for (const traversal_policy& p : every_policy()) {
    EXPECT_EQ(follows_kind(p, edge_kind::code), p.follow_code) << describe(p);
  }
}

TEST(policy, has_a_tested_rule_for_every_edge_kind) {
  // Each kind is in exactly one of the lists the four tests above go through.
  std::vector<int> times(edge_kind_count, 0);
  for (edge_kind kind : ownership_kinds) ++times[static_cast<int>(kind)];
  for (edge_kind kind : type_kinds) ++times[static_cast<int>(kind)];
  ++times[static_cast<int>(edge_kind::globals)];
  ++times[static_cast<int>(edge_kind::code)];
  EXPECT_EQ(times, std::vector<int>(edge_kind_count, 1));
}

// [SECTION] Which objects each switch enters

TEST(policy, enters_ordinary_objects_functions_and_frames_under_every_policy) {
  for (node_category c : always_entered) {
    for (const traversal_policy& p : every_policy()) {
      EXPECT_TRUE(enters_category(p, c)) << "category " << int(c) << ", " << describe(p);
    }
  }
}

TEST(policy, enters_type_objects_only_with_follow_types) {
  for (const traversal_policy& p : every_policy()) {
    EXPECT_EQ(enters_category(p, node_category::type_object), p.follow_types) << describe(p);
  }
}

TEST(policy, enters_modules_only_with_follow_modules) {
  for (const traversal_policy& p : every_policy()) {
    EXPECT_EQ(enters_category(p, node_category::module), p.follow_modules) << describe(p);
  }
}

TEST(policy, enters_code_objects_only_with_follow_code) {
  for (const traversal_policy& p : every_policy()) {
    EXPECT_EQ(enters_category(p, node_category::code), p.follow_code) << describe(p);
  }
}

TEST(policy, has_a_tested_rule_for_every_category) {
  std::vector<int> times(node_category_count, 0);
  for (node_category c : always_entered) ++times[static_cast<int>(c)];
  ++times[static_cast<int>(node_category::type_object)];
  ++times[static_cast<int>(node_category::module)];
  ++times[static_cast<int>(node_category::code)];
  EXPECT_EQ(times, std::vector<int>(node_category_count, 1));
}

// [SECTION] What follow() keeps

TEST(policy, follows_by_default_only_what_the_program_owns) {
  const program p = make_program();
  const followed_graph g = follow(p.snap, {});
  EXPECT_EQ(g.node_count(), 9u);
  EXPECT_EQ(g.counted, std::vector<std::uint8_t>(9, 1));
  // Of ten references: globals -> f, instance -> 1 and -> method, method -> instance.
  EXPECT_EQ(as_vector(g.offsets), (std::vector<std::uint32_t>{0, 0, 0, 1, 1, 1, 3, 4, 4, 4}));
  EXPECT_EQ(as_vector(g.targets), (std::vector<std::uint32_t>{p.f, p.one, p.method, p.instance}));
  EXPECT_EQ(g.edge_count(), 4u);
  EXPECT_EQ(g.root_nodes, (std::vector<std::uint32_t>{p.f, p.instance, p.tuple}));
}

TEST(policy, leaves_out_code_objects_unless_followed) {
  const program p = make_program();
  // Neither the function's code reference nor a tuple item that is a code object.
  const followed_graph off = follow(p.snap, {});
  EXPECT_EQ(out_of(off, p.f), std::vector<std::uint32_t>{});
  EXPECT_EQ(out_of(off, p.tuple), std::vector<std::uint32_t>{});
  traversal_policy code;
  code.follow_code = true;
  const followed_graph on = follow(p.snap, code);
  EXPECT_EQ(out_of(on, p.f), std::vector<std::uint32_t>{p.code});
  EXPECT_EQ(out_of(on, p.tuple), std::vector<std::uint32_t>{p.code});
  EXPECT_EQ(on.edge_count(), 6u);
}

TEST(policy, leaves_out_globals_unless_followed) {
  const program p = make_program();
  traversal_policy globals;
  globals.follow_globals = true;
  const followed_graph g = follow(p.snap, globals);
  EXPECT_EQ(out_of(g, p.f), std::vector<std::uint32_t>{p.globals});
  EXPECT_EQ(out_of(g, p.globals), std::vector<std::uint32_t>{p.f});  // not into the module
  EXPECT_EQ(g.edge_count(), 5u);
}

TEST(policy, leaves_out_modules_unless_followed) {
  const program p = make_program();
  traversal_policy modules;
  modules.follow_modules = true;
  const followed_graph g = follow(p.snap, modules);
  EXPECT_EQ(out_of(g, p.globals), (std::vector<std::uint32_t>{p.module, p.f}));
  EXPECT_EQ(out_of(g, p.f), std::vector<std::uint32_t>{});  // globals references stay off
  EXPECT_EQ(g.edge_count(), 5u);
}

TEST(policy, leaves_out_type_objects_and_definitions_unless_followed) {
  const program p = make_program();
  traversal_policy types;
  types.follow_types = true;
  const followed_graph g = follow(p.snap, types);
  EXPECT_EQ(out_of(g, p.instance), (std::vector<std::uint32_t>{p.type, p.one, p.method}));
  EXPECT_EQ(out_of(g, p.method), (std::vector<std::uint32_t>{p.f, p.instance}));
  EXPECT_EQ(g.edge_count(), 6u);
}

TEST(policy, measures_a_variable_that_names_a_type_object) {
  // x = C: the policy stops references into type objects; a root is not a reference.
  snapshot_builder b;
  const auto type = b.add_node("type", 900, 1, category_flags(node_category::type_object));
  const auto dict = b.add_node("mappingproxy", 40, 2);
  b.add_edge(type, dict, edge_kind::other);
  b.add_root("x", type);
  const snapshot snap = std::move(b).build();
  const followed_graph g = follow(snap, {});
  EXPECT_EQ(g.root_nodes, std::vector<std::uint32_t>{type});
  EXPECT_EQ(out_of(g, type), std::vector<std::uint32_t>{dict});
}

TEST(policy, leaves_out_objects_shared_with_the_interpreter_when_asked) {
  // a = [(), "s"]; t = (): the empty tuple is immortal and, here, holds a reference.
  snapshot_builder b;
  const auto list = b.add_node("list", 36, 1);
  const auto empty = b.add_node("tuple", 24, 2, node_flag::immortal);
  const auto text = b.add_node("str", 42, 3);
  b.add_edge(list, empty, edge_kind::index, 0u);
  b.add_edge(list, text, edge_kind::index, 1u);
  b.add_edge(empty, text, edge_kind::other);
  b.add_root("a", list);
  b.add_root("t", empty);
  const snapshot snap = std::move(b).build();
  traversal_policy without;
  without.include_interpreter_shared = false;
  const followed_graph g = follow(snap, without);
  EXPECT_EQ(g.counted, (std::vector<std::uint8_t>{1, 0, 1}));
  // No edges into the tuple or out of it; the root naming it names no node.
  EXPECT_EQ(as_vector(g.offsets), (std::vector<std::uint32_t>{0, 1, 1, 1}));
  EXPECT_EQ(as_vector(g.targets), std::vector<std::uint32_t>{text});
  EXPECT_EQ(g.root_nodes, (std::vector<std::uint32_t>{list, no_node}));
  // Counted by default.
  const followed_graph all = follow(snap, {});
  EXPECT_EQ(all.counted, (std::vector<std::uint8_t>{1, 1, 1}));
  EXPECT_EQ(all.root_nodes, (std::vector<std::uint32_t>{list, empty}));
  EXPECT_EQ(all.edge_count(), 3u);
}

// [SECTION] The graph's storage: views of the snapshot, or its own

TEST(followed_graph, views_the_snapshot_s_columns_when_the_policy_filters_nothing) {
  const program p = make_program();
  const followed_graph g = follow(p.snap, follow_everything);
  EXPECT_EQ(g.offsets.data(), p.snap.graph.edge_offsets.data());
  EXPECT_EQ(g.offsets.size(), p.snap.graph.edge_offsets.size());
  EXPECT_EQ(g.targets.data(), p.snap.graph.edge_target.data());
  EXPECT_EQ(g.targets.size(), p.snap.graph.edge_target.size());
  EXPECT_TRUE(g.owned_offsets.empty());
  EXPECT_TRUE(g.owned_targets.empty());
  EXPECT_EQ(g.edge_count(), 10u);
  // What counts is what the policy removes from this snapshot, not which switches are off.
  auto diamond = testing::diamond();
  traversal_policy strict;
  strict.include_interpreter_shared = false;
  const followed_graph d = follow(diamond.snap, strict);
  EXPECT_EQ(d.targets.data(), diamond.snap.graph.edge_target.data());
  EXPECT_TRUE(d.owned_targets.empty());
}

TEST(followed_graph, owns_its_columns_when_the_policy_filters) {
  const program p = make_program();
  const followed_graph g = follow(p.snap, {});
  EXPECT_EQ(g.offsets.data(), g.owned_offsets.data());
  EXPECT_EQ(g.offsets.size(), 10u);
  EXPECT_EQ(g.targets.data(), g.owned_targets.data());
  EXPECT_EQ(g.targets.size(), 4u);
}

TEST(followed_graph, survives_a_move_of_the_snapshot) {
  auto diamond = testing::diamond();
  snapshot snap = std::move(diamond.snap);
  const followed_graph g = follow(snap, {});
  const std::uint32_t* offsets = snap.graph.edge_offsets.data();
  const std::uint32_t* targets = snap.graph.edge_target.data();
  snapshot moved = std::move(snap);
  snap = testing::cycle_of_three(false);  // the moved-from snapshot is reused
  EXPECT_EQ(moved.graph.edge_offsets.data(), offsets);
  EXPECT_EQ(moved.graph.edge_target.data(), targets);
  EXPECT_EQ(g.offsets.data(), offsets);
  EXPECT_EQ(as_vector(g.offsets), (std::vector<std::uint32_t>{0, 2, 3, 4, 4}));
  EXPECT_EQ(as_vector(g.targets),
            (std::vector<std::uint32_t>{diamond.left, diamond.right, diamond.bottom, diamond.bottom}));
  const auto seen = testing::reachable(g, g.root_nodes);
  EXPECT_EQ(testing::bytes_of(moved, seen), 150u);
}

TEST(followed_graph, keeps_its_views_when_moved) {
  const program p = make_program();
  // A graph that views the snapshot keeps viewing it.
  followed_graph viewing = follow(p.snap, follow_everything);
  followed_graph moved_view(std::move(viewing));
  EXPECT_EQ(moved_view.targets.data(), p.snap.graph.edge_target.data());
  EXPECT_EQ(moved_view.offsets.data(), p.snap.graph.edge_offsets.data());
  EXPECT_EQ(moved_view.root_nodes, (std::vector<std::uint32_t>{p.f, p.instance, p.tuple}));
  EXPECT_TRUE(viewing.offsets.empty());
  EXPECT_TRUE(viewing.targets.empty());
  // A graph with its own columns takes them along, and views them where they now live.
  followed_graph owning = follow(p.snap, {});
  followed_graph assigned;
  assigned = std::move(owning);
  EXPECT_EQ(assigned.offsets.data(), assigned.owned_offsets.data());
  EXPECT_EQ(assigned.targets.data(), assigned.owned_targets.data());
  EXPECT_EQ(as_vector(assigned.targets), (std::vector<std::uint32_t>{p.f, p.one, p.method, p.instance}));
  EXPECT_EQ(assigned.counted, std::vector<std::uint8_t>(9, 1));
  EXPECT_TRUE(owning.offsets.empty());
  EXPECT_TRUE(owning.targets.empty());
}

}  // namespace
}  // namespace bytewise
