#include <bytewise/analysis.hpp>

namespace bytewise {

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
  return a;
}

}  // namespace bytewise
