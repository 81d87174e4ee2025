// The diagram layout benchmark (tools/bench.mjs canvas runs it, natively and in wasm under
// Node). Prints one JSON line per (heap size, mode, step):
// {"nodes": ..., "mode": ..., "step": ..., "ms": best of runs, "median_ms": ..., "boxes": ...,
// "arrows": ...}
//
// The heap is what a larger student program leaves: ten variables holding records
// (instances with a name, a score, a cached small int, a list of shared tag strings, and for
// one record in four a reference to another), lists of eight records gathered in one list per
// variable, and trees of dicts whose parent links close cycles.
//
// Modes: "every object" lays out one box per object (no row limit, no box limit: the
// layout's worst case at that size); "page" uses the page's defaults (ten rows per
// container, then an aggregate), which is what a user sees first. The baseline step is the
// analysis the layout needs (deep, shared, cycles, dominators), timed in the same run.
#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/snapshot.hpp>

#include "../core/graph_helpers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace bytewise;

snapshot diagram_heap(std::uint32_t target_nodes) {
  testing::rng rng(7);
  snapshot_builder b;
  std::uint64_t address = 0x10000;
  auto node = [&](const char* type, std::uint64_t bytes, std::uint32_t flags = 0) {
    address += 16 * (1 + bytes / 16);
    return b.add_node(type, bytes, address, flags);
  };
  const std::uint32_t shared = node_flag::immortal | node_flag::interned;
  std::vector<std::uint32_t> small_ints, tags, keys;
  for (int i = 0; i < 20; ++i) small_ints.push_back(node("int", 28, node_flag::small_int | node_flag::immortal));
  for (const char* k : {"value", "children", "parent"}) {
    std::uint32_t key = node("str", 49 + std::char_traits<char>::length(k), shared);
    b.set_label(key, std::string("'") + k + "'");
    keys.push_back(key);
  }
  for (int i = 0; i < 40; ++i) tags.push_back(node("str", 54, shared));

  const std::uint32_t roots = 10;
  const std::uint32_t per_root = (target_nodes - b.node_count_so_far()) / roots;
  for (std::uint32_t r = 0; r < roots; ++r) {
    const std::uint32_t end = r + 1 == roots ? target_nodes : b.node_count_so_far() + per_root;
    std::uint32_t top, last_list = no_node, last_length = 0;
    if (r % 3 == 2) {
      // A tree of dicts: {'value': float, 'children': [...], 'parent': the parent dict}.
      top = node("dict", 184);
      std::vector<std::uint32_t> level{top}, parents{no_node};
      std::uint32_t promised = 2;  // nodes owed to dicts made but not yet filled in
      while (!level.empty()) {
        std::vector<std::uint32_t> next, next_parents;
        for (std::size_t i = 0; i < level.size(); ++i) {
          const std::uint32_t d = level[i];
          const std::uint32_t value = node("float", 24);
          const std::uint32_t children = node("list", 88);
          promised -= 2;
          last_list = children;
          last_length = 0;
          b.add_edge(d, keys[0], edge_kind::dict_key, 0u);
          b.add_edge(d, value, edge_kind::dict_value, 0u);
          b.add_edge(d, keys[1], edge_kind::dict_key, 1u);
          b.add_edge(d, children, edge_kind::dict_value, 1u);
          if (parents[i] != no_node) {
            b.add_edge(d, keys[2], edge_kind::dict_key, 2u);
            b.add_edge(d, parents[i], edge_kind::dict_value, 2u);
          }
          const std::uint32_t fanout = 1 + static_cast<std::uint32_t>(rng.below(4));
          std::uint32_t made = 0;
          for (; made < fanout && b.node_count_so_far() + promised + 3 <= end; ++made) {
            const std::uint32_t child = node("dict", 184);
            promised += 2;
            b.add_edge(children, child, edge_kind::index, made);
            next.push_back(child);
            next_parents.push_back(d);
          }
          b.set_length(children, made);
          last_length = made;
        }
        level = std::move(next);
        parents = std::move(next_parents);
      }
    } else {
      // A list of lists of eight records each.
      top = node("list", 56);
      std::uint32_t groups = 0, group = no_node, in_group = 8;
      std::vector<std::uint32_t> records;
      while (b.node_count_so_far() + (in_group == 8 ? 5 : 4) <= end) {
        if (in_group == 8) {
          group = node("list", 120);
          b.add_edge(top, group, edge_kind::index, groups++);
          in_group = 0;
        }
        {
          const std::uint32_t rec = node("Record", 48);
          b.add_edge(group, rec, edge_kind::index, in_group++);
          b.set_length(group, in_group);
          const std::uint32_t name = node("str", 60 + static_cast<std::uint32_t>(rng.below(20)));
          const std::uint32_t score = node("float", 24);
          const std::uint32_t tag_list = node("list", 72);
          b.add_edge(rec, name, edge_kind::attribute, "name");
          b.add_edge(rec, score, edge_kind::attribute, "score");
          b.add_edge(rec, small_ints[rng.below(small_ints.size())], edge_kind::attribute, "count");
          b.add_edge(rec, tag_list, edge_kind::attribute, "tags");
          b.add_edge(tag_list, tags[rng.below(tags.size())], edge_kind::index, 0u);
          b.add_edge(tag_list, tags[rng.below(tags.size())], edge_kind::index, 1u);
          b.set_length(tag_list, 2);
          if (!records.empty() && rng.below(4) == 0) {
            b.add_edge(rec, records[rng.below(records.size())], edge_kind::attribute, "owner");
          }
          records.push_back(rec);
        }
      }
      b.set_length(top, groups);
      last_list = top;
      last_length = groups;
    }
    // What is left of this variable's share: strings at the end of its last list.
    while (b.node_count_so_far() < end) {
      b.add_edge(last_list, node("str", 30), edge_kind::index, last_length++);
      b.set_length(last_list, last_length);
    }
    b.add_root("var" + std::to_string(r), top);
  }
  return std::move(b).build();
}

template <typename F>
void time_step(std::uint32_t nodes, const char* mode, const char* step, int runs, F&& f) {
  std::vector<double> ms;
  std::size_t boxes = 0, arrows = 0;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto counts = f();
    const auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    boxes = counts.first;
    arrows = counts.second;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "{\"nodes\": %u, \"mode\": \"%s\", \"step\": \"%s\", \"ms\": %.3f, \"median_ms\": %.3f, "
      "\"boxes\": %zu, "
      "\"arrows\": %zu}\n",
      nodes, mode, step, ms.front(), ms[ms.size() / 2], boxes, arrows);
  std::fflush(stdout);
}

}  // namespace

int main() {
  for (const std::uint32_t target : {1'000u, 10'000u}) {
    const snapshot heap = diagram_heap(target);
    const std::uint32_t nodes = heap.graph.node_count();
    const int runs = target > 1'000 ? 7 : 21;
    analysis a;
    time_step(nodes, "both", "analysis (baseline)", runs, [&] {
      a = analyze(heap);
      return std::pair<std::size_t, std::size_t>(0, 0);
    });
    diagram_options every;
    every.max_rows = nodes;
    every.max_boxes = nodes + 1'000;
    every.max_depth = nodes;
    time_step(nodes, "every object", "layout", runs, [&] {
      const diagram d = layout_diagram(heap, a, every);
      return std::pair<std::size_t, std::size_t>(d.boxes.size(), d.arrows.size());
    });
    time_step(nodes, "page", "layout", runs, [&] {
      const diagram d = layout_diagram(heap, a, {});
      return std::pair<std::size_t, std::size_t>(d.boxes.size(), d.arrows.size());
    });
  }
  return 0;
}
