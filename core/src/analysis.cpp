#include <bytewise/analysis.hpp>

#include <utility>

namespace bytewise {

namespace {

// Per-object sizes from a model, summed per root like deep sizes, with the counts of
// objects the model could not size or sized on an assumption. `predict(v)` gives node v's
// (status, bytes); only objects some root reaches are asked.
template <typename Out, typename Predict>
void model_sizes(const snapshot& snap, const analysis& a, Out& out, Predict&& predict) {
  const std::uint32_t n = snap.graph.node_count();
  std::vector<std::uint64_t> sizes(n, 0), unmodelled(n, 0), assumed(n, 0);
  bool any_unmodelled = false, any_assumed = false;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (a.comps.of[v] == no_node) continue;
    const auto [status, bytes] = predict(v);
    if (status == prediction_status::not_modelled) {
      unmodelled[v] = 1;
      any_unmodelled = true;
    } else {
      sizes[v] = bytes;
      assumed[v] = status == prediction_status::assumed;
      any_assumed |= assumed[v] != 0;
    }
  }
  // Counts that are zero everywhere are zero for every root: no walk needed.
  auto counted = [&](bool any, const std::vector<std::uint64_t>& weights) {
    if (any) return measure_roots(snap, a.graph, a.comps, 0, weights);
    root_sizes none;
    none.roots.resize(a.graph.root_nodes.size());
    return none;
  };
  out.sizes = measure_roots(snap, a.graph, a.comps, 0, sizes);
  const root_sizes not_sized = counted(any_unmodelled, unmodelled);
  const root_sizes on_assumption = counted(any_assumed, assumed);
  for (std::size_t r = 0; r < not_sized.roots.size(); ++r) {
    out.unmodelled.push_back(not_sized.roots[r].deep);
    out.assumed.push_back(on_assumption.roots[r].deep);
  }
  out.total_unmodelled = not_sized.total_deep;
  out.total_assumed = on_assumption.total_deep;
}

allocated_sizes allocate(const snapshot& snap, const analysis& a, cpython_target target) {
  allocated_sizes out;
  out.target = target;
  out.per_node.assign(snap.graph.node_count(), 0);
  out.status.assign(snap.graph.node_count(), prediction_status::not_modelled);
  out.instance_dicts = predict_instance_dicts(snap, target);
  model_sizes(snap, a, out, [&](std::uint32_t v) {
    allocation alloc = predict_allocation(snap, v, target, {}, &out.instance_dicts.added[v]);
    if (out.instance_dicts.replaced[v]) {
      alloc = {};  // an instance's own dict: its blocks as another version makes them are not modelled
      alloc.rule = "an instance's __dict__: its blocks depend on the version and the instances made before";
    }
    out.status[v] = alloc.status;
    out.per_node[v] = alloc.reserved();
    return std::pair{alloc.status, out.per_node[v]};
  });
  return out;
}

comparison compare(const snapshot& snap, const analysis& a, cpython_target target) {
  comparison c;
  c.target = target;
  c.per_node.assign(snap.graph.node_count(), prediction{});
  c.instance_dicts = predict_instance_dicts(snap, target);
  model_sizes(snap, a, c, [&](std::uint32_t v) {
    const std::optional<prediction>& replaced = c.instance_dicts.replaced[v];
    c.per_node[v] = replaced ? *replaced : predict_getsizeof(snap, v, target);
    const prediction& p = c.per_node[v];
    const prediction& d = c.instance_dicts.added[v];
    if (p.status == prediction_status::not_modelled || d.status == prediction_status::not_modelled) {
      return std::pair{prediction_status::not_modelled, std::uint64_t{0}};
    }
    const bool sure = p.status != prediction_status::assumed && d.status != prediction_status::assumed;
    return std::pair{sure ? p.status : prediction_status::assumed, p.size + d.size};
  });
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
  if (options.allocated) {
    if (const std::optional<cpython_target> here = source_target(snap.platform)) {
      a.allocated = allocate(snap, a, *here);
    }
    if (a.compared) a.compared->allocated = allocate(snap, a, a.compared->target);
  }
  return a;
}

}  // namespace bytewise
