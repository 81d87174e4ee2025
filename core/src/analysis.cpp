#include <bytewise/analysis.hpp>

#include "reach.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace bytewise {

namespace {

// The model's answers by the columns they depend on (answers_from_own_columns): a program's
// millions of objects are a few hundred kinds (floats, short strs, ints of a few bit
// lengths, lists of a few capacities), so each kind is asked once and the rest are
// looked up. Direct-mapped: a kind that misses is asked again, never answered wrongly (the
// whole key is compared).
template <typename Answer>
class answer_memo {
 public:
  template <typename Ask>
  Answer get(const object_graph& g, std::uint32_t v, Ask&& ask) {
    const std::uint64_t shape = g.shape[v];
    if (!answers_from_own_columns(shape)) return ask();
    const key k{shape, g.shallow[v], g.length[v], g.flags[v]};
    std::uint64_t h = (k.shape * 0x9E3779B97F4A7C15u) ^ (k.shallow * 0xC2B2AE3D27D4EB4Fu) ^
                      (k.length * 0x165667B19E3779F9u) ^ (std::uint64_t{k.flags} * 0x27D4EB2F165667C5u);
    h ^= h >> 29;
    entry& e = table_[h & (size - 1)];
    if (!e.used || !(e.k == k)) {
      e = {true, k, ask()};
    }
    return e.answer;
  }

 private:
  struct key {
    std::uint64_t shape, shallow, length;
    std::uint32_t flags;
    bool operator==(const key&) const = default;
  };
  struct entry {
    bool used = false;
    key k{};
    Answer answer{};
  };
  static constexpr std::size_t size = 4096;
  std::vector<entry> table_ = std::vector<entry>(size);
};

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
  answer_memo<allocation> memo;
  model_sizes(snap, a, out, [&](std::uint32_t v) {
    allocation alloc =
        memo.get(snap.graph, v, [&] { return predict_allocation(snap, v, target, {}, &out.instance_dicts.added[v]); });
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
  answer_memo<prediction> memo;
  model_sizes(snap, a, c, [&](std::uint32_t v) {
    const prediction* replaced = c.instance_dicts.replaced.find(v);
    const prediction p =
        replaced ? *replaced : memo.get(snap.graph, v, [&] { return predict_getsizeof(snap, v, target); });
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
