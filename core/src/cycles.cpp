// Strongly connected components, iteratively, and the condensation built from them.
#include <bytewise/cycles.hpp>

#include <algorithm>

namespace bytewise {

components strongly_connected(const followed_graph& g) {
  // Pearce's variant of Tarjan ("A space-efficient algorithm for finding strongly
  // connected components", 2016): one word per node, `rindex`. While a node is on the
  // search path or Tarjan's stack it holds a visit index (1, 2, ...) that only decreases
  // to the lowest index reachable; once its component is complete it holds the component
  // label, counted down from n, which is above every visit index still in use (and never
  // 0, which means "not visited").
  const std::uint32_t n = g.node_count();
  const std::uint32_t* offsets = g.offsets.data();
  const std::uint32_t* targets = g.targets.data();
  std::vector<std::uint32_t> rindex(n, 0);
  std::vector<std::uint32_t> stack;  // nodes whose component is not complete yet
  struct frame {
    std::uint32_t node;
    std::uint32_t next_edge;
    bool root;  // no edge so far led below this node's own visit index
  };
  std::vector<frame> calls;
  std::uint32_t index = 1;
  std::uint32_t label = n + 1;  // labels n, n - 1, ...: always >= index, never 0
  std::uint32_t completed = 0;

  for (std::uint32_t start : g.root_nodes) {
    if (start == no_node || rindex[start] != 0) continue;
    rindex[start] = index++;
    calls.push_back({start, offsets[start], true});
    while (!calls.empty()) {
      frame& f = calls.back();
      const std::uint32_t v = f.node;
      if (f.next_edge < offsets[v + 1]) {
        const std::uint32_t w = targets[f.next_edge++];
        if (rindex[w] == 0) {
          rindex[w] = index++;
          calls.push_back({w, offsets[w], true});  // invalidates f
        } else if (rindex[w] < rindex[v]) {
          rindex[v] = rindex[w];
          f.root = false;
        }
        continue;
      }
      const bool root = f.root;
      calls.pop_back();
      if (root) {
        // v closes a component: v and the stacked nodes visited after it.
        index -= 1;
        while (!stack.empty() && rindex[v] <= rindex[stack.back()]) {
          rindex[stack.back()] = label - 1;
          stack.pop_back();
          index -= 1;
        }
        rindex[v] = --label;
        completed += 1;
      } else {
        stack.push_back(v);
      }
      if (!calls.empty()) {
        frame& parent = calls.back();
        if (rindex[v] < rindex[parent.node]) {
          rindex[parent.node] = rindex[v];
          parent.root = false;
        }
      }
    }
  }

  // Labels n, n - 1, ... were given in completion order, sinks first: component number
  // (n - label) keeps that order.
  components out;
  out.of.assign(n, no_node);
  std::vector<std::uint32_t> sizes(completed, 0);
  for (std::uint32_t v = 0; v < n; ++v) {
    if (rindex[v] == 0) continue;
    std::uint32_t c = n - rindex[v];
    out.of[v] = c;
    sizes[c] += 1;
  }
  out.offsets.assign(std::size_t{completed} + 1, 0);
  for (std::uint32_t c = 0; c < completed; ++c) out.offsets[c + 1] = out.offsets[c] + sizes[c];
  out.nodes.resize(out.offsets.back());
  std::vector<std::uint32_t> next(out.offsets.begin(), out.offsets.end() - 1);
  for (std::uint32_t v = 0; v < n; ++v) {
    if (out.of[v] != no_node) out.nodes[next[out.of[v]]++] = v;
  }

  // The condensation: distinct successor components, and which components are cycles.
  out.cyclic.assign(completed, 0);
  out.succ_offsets.assign(std::size_t{completed} + 1, 0);
  out.succ.reserve(g.edge_count() / 2);
  std::vector<std::uint32_t> seen(completed, no_node);
  for (std::uint32_t c = 0; c < completed; ++c) {
    if (sizes[c] > 1) out.cyclic[c] = 1;
    for (std::uint32_t i = out.offsets[c]; i < out.offsets[c + 1]; ++i) {
      const std::uint32_t u = out.nodes[i];
      for (std::uint32_t e = offsets[u]; e < offsets[u + 1]; ++e) {
        const std::uint32_t d = out.of[targets[e]];
        if (d == c) {
          if (targets[e] == u) out.cyclic[c] = 1;
        } else if (seen[d] != c) {
          seen[d] = c;
          out.succ.push_back(d);
        }
      }
    }
    out.succ_offsets[c + 1] = static_cast<std::uint32_t>(out.succ.size());
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
  std::stable_sort(out.begin(), out.end(), [](const cycle& a, const cycle& b) { return a.bytes > b.bytes; });
  return out;
}

}  // namespace bytewise
