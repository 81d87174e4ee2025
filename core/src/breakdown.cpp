#include <bytewise/breakdown.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace bytewise {
namespace {

template <typename Key>
std::vector<ranked_object> top_n(const components& comps, std::uint32_t n, Key&& bytes_of) {
  std::vector<ranked_object> all;
  all.reserve(comps.nodes.size());
  for (std::uint32_t v : comps.nodes) all.push_back({v, bytes_of(v), true});
  auto better = [](const ranked_object& a, const ranked_object& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.node < b.node;
  };
  std::size_t keep = std::min<std::size_t>(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), better);
  all.resize(keep);
  return all;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

}  // namespace

std::vector<type_total> totals_by_type(const snapshot& snap, const components& comps) {
  const object_graph& g = snap.graph;
  // Accumulate by type-name string index (few distinct values, so the array stays in
  // cache), then merge indices that hold equal names (writers need not deduplicate).
  struct acc {
    std::uint64_t objects = 0, bytes = 0;
  };
  std::vector<acc> by_index(snap.strings.size());
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (comps.of[v] == no_node) continue;
    acc& a = by_index[g.type[v]];
    a.objects += 1;
    a.bytes += g.shallow[v];
  }
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<type_total> out;
  for (std::uint32_t i = 0; i < by_index.size(); ++i) {
    if (by_index[i].objects == 0) continue;
    std::string_view name = snap.strings.at(i);
    auto [it, fresh] = index.try_emplace(name, out.size());
    if (fresh) out.push_back({std::string(name), 0, 0});
    out[it->second].objects += by_index[i].objects;
    out[it->second].bytes += by_index[i].bytes;
  }
  std::sort(out.begin(), out.end(), [](const type_total& a, const type_total& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.type < b.type;
  });
  return out;
}

std::vector<ranked_object> largest_by_shallow(const snapshot& snap, const components& comps, std::uint32_t n) {
  return top_n(comps, n, [&](std::uint32_t v) { return snap.graph.shallow[v]; });
}

std::vector<ranked_object> largest_by_retained(const dominator_tree& dom, const components& comps, std::uint32_t n) {
  return top_n(comps, n, [&](std::uint32_t v) { return dom.retained[v]; });
}

std::vector<ranked_object> largest_by_deep(const snapshot& snap, const followed_graph& g, const components& comps,
                                           std::uint32_t n, std::uint64_t work_limit) {
  const std::uint32_t count = comps.count();
  if (n == 0) return {};
  if (work_limit == 0) work_limit = 16 * (std::uint64_t{g.node_count()} + g.edge_count() + 1);

  // Each component's bytes; its successors come from the condensation.
  std::vector<std::uint64_t> bytes(count, 0);
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (comps.of[v] != no_node) bytes[comps.of[v]] += snap.graph.shallow[v];
  }
  const std::vector<std::uint32_t>& succ_offsets = comps.succ_offsets;
  const std::vector<std::uint32_t>& succ = comps.succ;
  // Upper bounds, sinks first: successors have lower numbers and are done already.
  std::vector<std::uint64_t> bound(count);
  for (std::uint32_t c = 0; c < count; ++c) {
    std::uint64_t b = bytes[c];
    for (std::uint32_t i = succ_offsets[c]; i < succ_offsets[c + 1]; ++i) b = saturating_add(b, bound[succ[i]]);
    bound[c] = b;
  }
  // Components by bound, largest first (ties: lower number first), taken from a heap one
  // at a time: the loop below stops after the first few, so sorting them all is waste.
  std::vector<std::uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  const auto after = [&](std::uint32_t a, std::uint32_t b) {
    return bound[a] != bound[b] ? bound[a] < bound[b] : a > b;
  };
  std::make_heap(order.begin(), order.end(), after);
  auto heap_end = order.end();
  auto next_component = [&](std::uint32_t& c) {
    if (heap_end == order.begin()) return false;
    std::pop_heap(order.begin(), heap_end, after);
    --heap_end;
    c = *heap_end;
    return true;
  };

  std::vector<std::uint32_t> stamp(count, no_node), stack;
  std::uint64_t work = 0;
  auto exact_deep = [&](std::uint32_t start) {
    std::uint64_t total = 0;
    stack.assign(1, start);
    stamp[start] = start;
    while (!stack.empty()) {
      std::uint32_t c = stack.back();
      stack.pop_back();
      total += bytes[c];
      work += 1 + succ_offsets[c + 1] - succ_offsets[c];
      for (std::uint32_t i = succ_offsets[c]; i < succ_offsets[c + 1]; ++i) {
        if (stamp[succ[i]] != start) {
          stamp[succ[i]] = start;
          stack.push_back(succ[i]);
        }
      }
    }
    return total;
  };

  std::vector<ranked_object> out;
  auto better = [](const ranked_object& a, const ranked_object& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.node < b.node;
  };
  for (std::uint32_t c = 0; next_component(c);) {
    if (out.size() >= n) {
      std::partial_sort(out.begin(), out.begin() + n, out.end(), better);
      out.resize(n);
      if (bound[c] <= out.back().bytes) break;  // nothing left can enter the top n
    }
    bool exact = work < work_limit;
    std::uint64_t deep = exact ? exact_deep(c) : bound[c];
    for (std::uint32_t i = comps.offsets[c]; i < comps.offsets[c + 1]; ++i) {
      out.push_back({comps.nodes[i], deep, exact});
    }
  }
  std::sort(out.begin(), out.end(), better);
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace bytewise
