// Iterative Tarjan. The explicit call stack holds (node, next edge); `of[v] == no_node`
// with a nonzero index means "on Tarjan's stack", so no separate on-stack array is kept.
#include <bytewise/cycles.hpp>

#include <algorithm>

namespace bytewise {

components strongly_connected(const followed_graph& g) {
  const std::uint32_t n = g.node_count();
  components out;
  out.of.assign(n, no_node);
  out.nodes.reserve(n);
  std::vector<std::uint32_t> index(n, 0), low(n, 0);
  std::vector<std::uint32_t> stack;
  struct frame {
    std::uint32_t node;
    std::uint32_t next_edge;
  };
  std::vector<frame> calls;
  std::uint32_t counter = 0;

  auto enter = [&](std::uint32_t v) {
    index[v] = low[v] = ++counter;
    stack.push_back(v);
    calls.push_back({v, g.offsets[v]});
  };

  for (std::uint32_t start : g.root_nodes) {
    if (start == no_node || index[start] != 0) continue;
    enter(start);
    while (!calls.empty()) {
      frame& f = calls.back();
      std::uint32_t v = f.node;
      if (f.next_edge < g.offsets[v + 1]) {
        std::uint32_t w = g.targets[f.next_edge++];
        if (index[w] == 0) {
          enter(w);  // invalidates f
        } else if (out.of[w] == no_node) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      calls.pop_back();
      if (!calls.empty()) {
        std::uint32_t parent = calls.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
      if (low[v] != index[v]) continue;
      // v is the root of a component: everything above it on the stack belongs to it.
      const std::uint32_t c = out.count();
      std::uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        out.of[w] = c;
        out.nodes.push_back(w);
      } while (w != v);
      out.offsets.push_back(static_cast<std::uint32_t>(out.nodes.size()));
      bool cyclic = out.offsets[c + 1] - out.offsets[c] > 1;
      for (std::uint32_t e = g.offsets[v]; !cyclic && e < g.offsets[v + 1]; ++e) {
        cyclic = g.targets[e] == v;
      }
      out.cyclic.push_back(cyclic ? 1 : 0);
    }
  }
  return out;
}

std::vector<cycle> find_cycles(const components& comps, const object_graph& g) {
  std::vector<cycle> out;
  for (std::uint32_t c = 0; c < comps.count(); ++c) {
    if (!comps.cyclic[c]) continue;
    cycle cy{c, comps.size(c), 0};
    for (std::uint32_t i = comps.offsets[c]; i < comps.offsets[c + 1]; ++i) {
      cy.bytes += g.shallow[comps.nodes[i]];
    }
    out.push_back(cy);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const cycle& a, const cycle& b) { return a.bytes > b.bytes; });
  return out;
}

}  // namespace bytewise
