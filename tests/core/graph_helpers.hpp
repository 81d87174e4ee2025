// Test helpers: small deterministic random graphs and brute-force reference answers,
// written as plainly as possible so they can be trusted over the real algorithms.
#pragma once

#include <bytewise/policy.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <vector>

namespace bytewise::testing {

// A snapshot taken on wasm32 CPython 3.14, for hand-built graphs.
inline platform_info wasm32_3_14() {
  platform_info p;
  p.implementation = "CPython";
  p.python_major = 3;
  p.python_minor = 14;
  p.pointer_size = 4;
  return p;
}

// xorshift64*: the same sequence on every platform (unlike std distributions).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// top -> left, top -> right, left -> bottom, right -> bottom; sizes 10, 20, 40, 80.
struct diamond_graph {
  snapshot snap;
  std::uint32_t top, left, right, bottom;
};
inline diamond_graph diamond() {
  snapshot_builder b;
  auto top = b.add_node("list", 10, 1), left = b.add_node("list", 20, 2);
  auto right = b.add_node("list", 40, 3), bottom = b.add_node("str", 80, 4);
  b.add_edge(top, left, edge_kind::index, 0u);
  b.add_edge(top, right, edge_kind::index, 1u);
  b.add_edge(left, bottom, edge_kind::index, 0u);
  b.add_edge(right, bottom, edge_kind::index, 0u);
  b.add_root("top", top);
  return {std::move(b).build(), top, left, right, bottom};
}

// x -> y -> z -> x (dicts of 100, 200, 300 bytes), rooted at x and, optionally, at z.
inline snapshot cycle_of_three(bool also_root_z) {
  snapshot_builder b;
  auto x = b.add_node("dict", 100, 1), y = b.add_node("dict", 200, 2), z = b.add_node("dict", 300, 3);
  b.add_edge(x, y, edge_kind::dict_value, "'next'");
  b.add_edge(y, z, edge_kind::dict_value, "'next'");
  b.add_edge(z, x, edge_kind::dict_value, "'next'");
  b.add_root("x", x);
  if (also_root_z) b.add_root("z", z);
  return std::move(b).build();
}

// A random snapshot: up to `max_nodes` objects, random references (self-loops and
// parallel edges included), 1..4 roots (sometimes naming the same object), sizes 1..100.
inline snapshot random_snapshot(std::uint64_t seed, std::uint32_t max_nodes = 30) {
  rng r(seed);
  snapshot_builder b;
  const std::uint32_t n = 1 + r.below(max_nodes);
  for (std::uint32_t v = 0; v < n; ++v) {
    std::uint32_t flags = r.below(8) == 0 ? node_flag::immortal : 0;
    b.add_node(r.below(3) == 0 ? "list" : r.below(2) ? "dict" : "str", 1 + r.below(100), 0x1000 + v * 16, flags);
  }
  const std::uint32_t edges = r.below(2 * n + 1);
  for (std::uint32_t i = 0; i < edges; ++i) {
    b.add_edge(r.below(n), r.below(n), edge_kind::index, i);
  }
  const std::uint32_t roots = 1 + r.below(4);
  for (std::uint32_t i = 0; i < roots; ++i) b.add_root("r" + std::to_string(i), r.below(n));
  return std::move(b).build();
}

// Nodes reachable from `starts` in g, skipping `removed` (no_node: skip nothing).
inline std::vector<std::uint8_t> reachable(const followed_graph& g, const std::vector<std::uint32_t>& starts,
                                           std::uint32_t removed = no_node) {
  std::vector<std::uint8_t> seen(g.node_count(), 0);
  std::vector<std::uint32_t> todo;
  for (std::uint32_t s : starts) {
    if (s != no_node && s != removed && !seen[s]) {
      seen[s] = 1;
      todo.push_back(s);
    }
  }
  while (!todo.empty()) {
    std::uint32_t u = todo.back();
    todo.pop_back();
    for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      std::uint32_t w = g.targets[e];
      if (w != removed && !seen[w]) {
        seen[w] = 1;
        todo.push_back(w);
      }
    }
  }
  return seen;
}

inline std::uint64_t bytes_of(const snapshot& s, const std::vector<std::uint8_t>& set) {
  std::uint64_t total = 0;
  for (std::uint32_t v = 0; v < set.size(); ++v) {
    if (set[v]) total += s.graph.shallow[v];
  }
  return total;
}

}  // namespace bytewise::testing
