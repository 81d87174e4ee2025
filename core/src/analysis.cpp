#include <bytewise/analysis.hpp>

namespace bytewise {

namespace {

comparison compare(const snapshot& snap, const analysis& a, cpython_target target) {
  const std::uint32_t n = snap.graph.node_count();
  comparison c;
  c.target = target;
  c.per_node.reserve(n);
  std::vector<std::uint64_t> sizes(n, 0), unmodelled(n, 0), assumed(n, 0);
  for (std::uint32_t v = 0; v < n; ++v) {
    // Only objects some root reaches are reported; skip the rest.
    prediction p = a.comps.of[v] == no_node ? prediction{} : predict_getsizeof(snap, v, target);
    if (p.status == prediction_status::not_modelled) {
      unmodelled[v] = 1;
    } else {
      sizes[v] = p.size;
      assumed[v] = p.status == prediction_status::assumed;
    }
    c.per_node.push_back(p);
  }
  c.sizes = measure_roots(snap, a.graph, a.comps, 0, sizes);
  const root_sizes not_sized = measure_roots(snap, a.graph, a.comps, 0, unmodelled);
  const root_sizes on_assumption = measure_roots(snap, a.graph, a.comps, 0, assumed);
  for (std::size_t r = 0; r < not_sized.roots.size(); ++r) {
    c.unmodelled.push_back(not_sized.roots[r].deep);
    c.assumed.push_back(on_assumption.roots[r].deep);
  }
  c.total_unmodelled = not_sized.total_deep;
  c.total_assumed = on_assumption.total_deep;
  return c;
}

}  // namespace

analysis analyze(const snapshot& snap, const analysis_options& options) {
  analysis a;
  a.policy = options.policy;
  a.graph = follow(snap, options.policy);
  a.comps = strongly_connected(a.graph);
  a.sizes = measure_roots(snap, a.graph, a.comps, options.top_n);
  a.cycles = find_cycles(a.comps, snap.graph);
  a.types = totals_by_type(snap, a.comps);
  a.top_shallow = largest_by_shallow(snap, a.comps, options.top_n);
  a.top_deep = largest_by_deep(snap, a.graph, a.comps, options.top_n);
  if (options.retained) {
    a.dom = dominators(snap, a.graph);
    a.top_retained = largest_by_retained(a.dom, a.comps, options.top_n);
  }
  if (options.compare_with) a.compared = compare(snap, a, *options.compare_with);
  return a;
}

}  // namespace bytewise
