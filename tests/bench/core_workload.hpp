// The core benchmark's workload, shared by the native Google Benchmark driver and the
// wasm driver so both measure exactly the same thing.
//
// Two synthetic graphs of 1,000,000 objects and 2,000,000 references, 10 roots:
//
// python_like_heap (the budget workload) is laid out the way the probe writes a capture
// on Pyodide (wasm32 CPython 3.14: its sizes and shape words, so the layout and allocation
// models have real work):
// breadth-first from the roots, so an object's index is close to its container's. Seven
// roots are lists of 25,000-ish records; a record is an instance whose attributes hold its
// own str and float, a cached small int, a list of tag strings drawn from a shared pool,
// and for one record in five another record of the same list. Three roots are trees of dicts
// ({'value', 'children', 'parent'}) whose parent pointers make each tree one big
// reference cycle.
//
// random_heap (a stress case, not a budget) ignores locality: a random recursive tree plus
// references that go 70% to a pool of shared objects, 29% forward to any later object and
// 1% back to any earlier one.
#pragma once

#include <bytewise/allocation.hpp>
#include <bytewise/analysis.hpp>
#include <bytewise/layout_model.hpp>
#include <bytewise/snapshot.hpp>

#include "../core/graph_helpers.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bytewise::bench {

struct workload_size {
  std::uint32_t nodes = 1'000'000;
  std::uint32_t edges = 2'000'000;
  std::uint32_t roots = 10;
};

using xorshift = testing::rng;  // the same sequence on every platform

using testing::wasm32_3_14;

// Shape words (docs/snapshot-format.md, "Shapes") of the heap's objects.
inline std::uint64_t shape_of(shape_family f, std::uint64_t facts = 0) {
  return static_cast<std::uint64_t>(f) | facts << 8;
}

inline snapshot python_like_heap(workload_size size = {}) {
  xorshift rng(1);
  snapshot_builder b(wasm32_3_14());
  std::uint64_t address = 0x10000;
  std::uint32_t edges = 0;
  // Sizes as wasm32 3.14 reports them: str 20 + len + 1 (ASCII), float 16, list 28 + 4 per
  // slot, dict with a small str-keyed table 108, an instance with a managed dict 24.
  auto node = [&](std::string_view type, std::uint64_t bytes, std::uint64_t shape, std::uint32_t flags = 0) {
    address += 16 * (1 + bytes / 16);
    std::uint32_t n = b.add_node(type, bytes, address, flags);
    b.set_shape(n, shape);
    if (type == "str") b.set_length(n, bytes - 21);
    return n;
  };
  auto list = [&](std::uint64_t slots, std::uint64_t length) {
    std::uint32_t n = node("list", 28 + 4 * slots, shape_of(shape_family::list));
    b.set_length(n, length);
    return n;
  };
  const std::uint64_t str_shape = shape_of(shape_family::str);
  const std::uint64_t float_shape = shape_of(shape_family::float_);
  const std::uint64_t dict_shape = shape_of(shape_family::dict, 1);               // all keys str
  const std::uint64_t record_shape = shape_of(shape_family::instance, 1u << 16);  // has __dict__
  auto edge = [&](std::uint32_t from, std::uint32_t to, edge_kind kind, std::uint32_t label) {
    b.add_edge(from, to, kind, label);
    ++edges;
  };
  const std::uint32_t shared = node_flag::immortal | node_flag::interned;
  // Shared pools first (the probe meets them early): small ints, keys, tag strings.
  std::vector<std::uint32_t> small_ints, tags;
  for (int i = 0; i < 262; ++i) {
    small_ints.push_back(node("int", 16, shape_of(shape_family::int_, 8), node_flag::small_int | node_flag::immortal));
  }
  const char* key_names[] = {"name", "score", "count", "tags", "owner", "value", "children", "parent"};
  std::vector<std::uint32_t> keys;
  for (const char* k : key_names) keys.push_back(node("str", 21 + std::strlen(k), str_shape, shared));
  for (int i = 0; i < 500; ++i) tags.push_back(node("str", 24 + rng.below(12), str_shape, shared));

  const std::uint32_t tree_roots = 3;
  const std::uint32_t per_root = (size.nodes - b.node_count_so_far()) / size.roots;
  std::vector<std::uint32_t> roots;
  std::vector<std::uint32_t> tag_lists;  // padded at the end to hit the edge target exactly
  for (std::uint32_t r = 0; r < size.roots; ++r) {
    const std::uint32_t budget_end = b.node_count_so_far() + per_root;
    if (r < tree_roots) {
      // A tree of dicts, breadth-first; each dict: value (float), children (list), parent.
      std::uint32_t top = node("dict", 108, dict_shape);
      roots.push_back(top);
      std::vector<std::uint32_t> level{top};
      std::vector<std::uint32_t> parent_of{no_node};
      std::uint32_t reserved = 2;  // nodes promised to dicts not yet expanded
      while (!level.empty()) {
        std::vector<std::uint32_t> next, next_parent;
        for (std::size_t i = 0; i < level.size(); ++i) {
          std::uint32_t d = level[i];
          std::uint32_t value = node("float", 16, float_shape);
          std::uint32_t children = list(8, 0);
          reserved -= 2;
          edge(d, keys[5], edge_kind::dict_key, 0);
          edge(d, value, edge_kind::dict_value, 0);
          edge(d, keys[6], edge_kind::dict_key, 0);
          edge(d, children, edge_kind::dict_value, 0);
          if (parent_of[i] != no_node) {
            edge(d, keys[7], edge_kind::dict_key, 0);
            edge(d, parent_of[i], edge_kind::dict_value, 0);
          }
          std::uint32_t fanout = 1 + rng.below(5);
          for (std::uint32_t k = 0; k < fanout && b.node_count_so_far() + reserved + 3 <= budget_end; ++k) {
            std::uint32_t child = node("dict", 108, dict_shape);
            reserved += 2;
            edge(children, child, edge_kind::index, k);
            b.set_length(children, k + 1);
            next.push_back(child);
            next_parent.push_back(d);
          }
        }
        level = std::move(next);
        parent_of = std::move(next_parent);
      }
    } else {
      // A list of records; the records, then their values, then the tag lists' items.
      const std::uint32_t count = (budget_end - b.node_count_so_far() - 1) / 4;
      std::uint32_t records_list = list(count, count);
      roots.push_back(records_list);
      std::vector<std::uint32_t> records;
      for (std::uint32_t i = 0; i < count; ++i) {
        records.push_back(node("Record", 24, record_shape));
        edge(records_list, records.back(), edge_kind::index, i);
      }
      std::vector<std::uint32_t> lists;
      for (std::uint32_t rec : records) {
        std::uint32_t name = node("str", 30 + rng.below(20), str_shape);
        std::uint32_t score = node("float", 16, float_shape);
        std::uint32_t tag_list = list(2, 1);
        edge(rec, name, edge_kind::attribute, 0);
        edge(rec, score, edge_kind::attribute, 0);
        edge(rec, small_ints[rng.below(262)], edge_kind::attribute, 0);
        edge(rec, tag_list, edge_kind::attribute, 0);
        if (rng.below(5) == 0) edge(rec, records[rng.below(records.size())], edge_kind::attribute, 0);
        lists.push_back(tag_list);
      }
      for (std::uint32_t l : lists) {
        edge(l, tags[rng.below(tags.size())], edge_kind::index, 0);
        tag_lists.push_back(l);
      }
    }
  }
  // Fill to the exact node and edge counts: more floats in tree value slots would change
  // the shape, so the remainder goes to tag strings and tag-list references.
  while (b.node_count_so_far() < size.nodes) {
    std::uint32_t extra = node("str", 30, str_shape);
    edge(tag_lists[rng.below(tag_lists.size())], extra, edge_kind::index, 1);
  }
  while (edges < size.edges) {
    edge(tag_lists[rng.below(tag_lists.size())], tags[rng.below(tags.size())], edge_kind::index, 1);
  }
  for (std::uint32_t r = 0; r < roots.size(); ++r) b.add_root("root" + std::to_string(r), roots[r]);
  return std::move(b).build();
}

inline snapshot random_heap(workload_size size = {}) {
  xorshift rng(1);
  auto below = [&](std::uint64_t n) { return rng.below(n); };
  static constexpr const char* types[] = {"list", "dict", "str", "int", "tuple", "float", "Node", "bytes"};
  const std::uint32_t n = size.nodes;
  const std::uint32_t pool = n / 100;  // shared small objects live at the end
  snapshot_builder b;
  for (std::uint32_t v = 0; v < n; ++v) {
    bool small = v >= n - pool;
    b.add_node(types[small ? 3 : below(8)], small ? 16 : 16 + below(200), 0x10000 + 16ull * v,
               small && v % 2 == 0 ? node_flag::small_int | node_flag::immortal : 0);
  }
  const std::uint32_t tree_nodes = n - pool;
  for (std::uint32_t v = size.roots; v < tree_nodes; ++v) {
    std::uint32_t window = v < 1000 ? v : 1000;
    b.add_edge(v - 1 - below(window), v, edge_kind::index, 0u);
  }
  for (std::uint32_t v = tree_nodes; v < n; ++v) b.add_edge(below(tree_nodes), v, edge_kind::index, 1u);
  std::uint32_t extra = size.edges > n ? size.edges - n : 0;
  for (std::uint32_t i = 0; i < extra; ++i) {
    std::uint32_t source = below(tree_nodes);
    std::uint32_t roll = below(100), target;
    if (roll < 70) {
      target = tree_nodes + below(pool);
    } else if (roll < 99) {
      target = source + 1 + below(tree_nodes - source);
      if (target >= tree_nodes) target = tree_nodes - 1;
    } else {
      target = below(source + 1);
    }
    b.add_edge(source, target, edge_kind::index, 2u + i % 5);
  }
  for (std::uint32_t r = 0; r < size.roots; ++r) b.add_root("root" + std::to_string(r), r);
  return std::move(b).build();
}

// Baseline for ratios: one breadth-first walk over every reference, the least any
// whole-graph analysis must do.
inline std::uint64_t baseline_walk(const snapshot& snap) {
  const object_graph& g = snap.graph;
  std::vector<std::uint8_t> seen(g.node_count(), 0);
  std::vector<std::uint32_t> queue;
  queue.reserve(g.node_count());
  std::uint64_t bytes = 0;
  for (const root& r : snap.roots) {
    if (!seen[r.node]) {
      seen[r.node] = 1;
      queue.push_back(r.node);
    }
  }
  for (std::size_t i = 0; i < queue.size(); ++i) {
    std::uint32_t u = queue[i];
    bytes += g.shallow[u];
    for (std::uint32_t e = g.first_edge(u); e < g.end_edge(u); ++e) {
      std::uint32_t t = g.edge_target[e];
      if (!seen[t]) {
        seen[t] = 1;
        queue.push_back(t);
      }
    }
  }
  return bytes;
}

// "deep + shared + per type": everything the page shows except retained sizes.
struct sizes_result {
  std::uint64_t total_deep;
  std::size_t types;
  std::size_t cycles;
};
inline sizes_result sizes_step(const snapshot& snap) {
  followed_graph g = follow(snap, {});
  components c = strongly_connected(g);
  root_sizes s = measure_roots(snap, g, c);
  return {s.total_deep, totals_by_type(snap, c).size(), find_cycles(c, snap.graph).size()};
}

inline std::uint64_t dominators_step(const snapshot& snap, const followed_graph& g) {
  return dominators(snap, g).root_retained[0];
}

// The layout and allocation models for every object: getsizeof on 64-bit 3.12, and the
// allocated bytes here and there (what analyze adds with compare_with and allocated).
inline std::uint64_t models_step(const snapshot& snap) {
  std::uint64_t sum = 0;
  for (std::uint32_t v = 0; v < snap.graph.node_count(); ++v) {
    sum += predict_getsizeof(snap, v, {12, 8}).size;
    sum += predict_allocation(snap, v, {14, 4}).reserved();
    sum += predict_allocation(snap, v, {12, 8}).reserved();
  }
  return sum;
}

}  // namespace bytewise::bench
