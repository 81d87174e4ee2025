#include <bytewise/analysis.hpp>

#include "reach.hpp"

#include <algorithm>
#include <utility>

namespace bytewise {

namespace {

// Per-object sizes from a model, summed per root like deep sizes (each object a root
// reaches, once), with the counts of objects the model could not size or sized on an
// assumption. `predict(v)` gives node v's (status, bytes); only objects some root reaches
// are asked (a root's object twice). Sums go per component, then to the roots that reach it (reach.hpp): no
// per-object column but the model's own.
template <typename Out, typename Predict>
void model_sizes(const snapshot& snap, const analysis& a, Out& out, Predict&& predict) {
  struct sums {
    std::uint64_t bytes = 0, unmodelled = 0, assumed = 0;
  };
  const components& comps = a.comps;
  std::vector<sums> per_comp(comps.count());
  sums total;
  for (std::uint32_t v = 0; v < snap.graph.node_count(); ++v) {
    const std::uint32_t c = comps.of[v];
    if (c == no_node) continue;
    const auto [status, bytes] = predict(v);
    sums& s = per_comp[c];
    if (status == prediction_status::not_modelled) {
      s.unmodelled += 1;
    } else {
      s.bytes += bytes;
      s.assumed += status == prediction_status::assumed;
    }
  }
  for (const sums& s : per_comp) {
    total.bytes += s.bytes;
    total.unmodelled += s.unmodelled;
    total.assumed += s.assumed;
  }
  const std::uint32_t root_count = static_cast<std::uint32_t>(a.graph.root_nodes.size());
  out.sizes.roots.resize(root_count);
  out.unmodelled.assign(root_count, 0);
  out.assumed.assign(root_count, 0);
  std::vector<std::uint64_t> mask;
  for (std::uint32_t first = 0; first < root_count; first += 64) {
    detail::propagate_roots(a.graph, comps, first, std::min(root_count, first + 64), mask,
                            [&](std::uint32_t c, std::uint64_t m) {
                              detail::for_each_bit(first, m, [&](std::uint32_t r) {
                                out.sizes.roots[r].deep += per_comp[c].bytes;
                                out.unmodelled[r] += per_comp[c].unmodelled;
                                out.assumed[r] += per_comp[c].assumed;
                              });
                            });
  }
  for (std::uint32_t r = 0; r < root_count; ++r) {
    root_size& rs = out.sizes.roots[r];
    rs.node = a.graph.root_nodes[r];
    if (rs.node != no_node) rs.shallow = predict(rs.node).second;  // asked again: the same answer
  }
  out.sizes.total_deep = total.bytes;
  out.total_unmodelled = total.unmodelled;
  out.total_assumed = total.assumed;
}

allocated_sizes allocate(const snapshot& snap, const analysis& a, cpython_target target) {
  allocated_sizes out;
  out.target = target;
  out.per_node.assign(snap.graph.node_count(), 0);
  out.status.assign(snap.graph.node_count(), prediction_status::not_modelled);
  out.instance_dicts = predict_instance_dicts(snap, target);
  model_sizes(snap, a, out, [&](std::uint32_t v) {
    allocation alloc = predict_allocation(snap, v, target, {}, &out.instance_dicts.added[v]);
    if (out.instance_dicts.replaced.find(v)) {
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
  c.per_node.assign(snap.graph.node_count());
  c.instance_dicts = predict_instance_dicts(snap, target);
  model_sizes(snap, a, c, [&](std::uint32_t v) {
    const prediction* replaced = c.instance_dicts.replaced.find(v);
    const prediction p = replaced ? *replaced : predict_getsizeof(snap, v, target);
    c.per_node.set(v, p);
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
