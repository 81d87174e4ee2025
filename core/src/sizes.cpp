// Root sizes from reachability masks over the condensation (reach.hpp): all objects of one
// component share a mask of the roots that reach them. Roots go in chunks of 64.
#include <bytewise/sizes.hpp>

#include "reach.hpp"

#include <algorithm>
#include <bit>

namespace bytewise {
namespace {

// The naive sum counts an object once per reference: with hostile sizes it could exceed
// 64 bits, so it saturates. (Distinct-object sums cannot: the reader bounds the total.)
std::uint64_t add_saturating(std::uint64_t a, std::uint64_t b) {
  return a > ~std::uint64_t{0} - b ? ~std::uint64_t{0} : a + b;
}

// One sweep over the references of every reachable object: how often the naive sum counts
// each object, how many distinct objects refer to it, and the naive bytes each component's
// references add. Sources go in index order, so only the targets are random accesses.
void count_references(const std::uint64_t* shallow, const followed_graph& g, const components& comps,
                      std::vector<std::uint64_t>& comp_naive, root_sizes& out) {
  const std::uint32_t n = g.node_count();
  struct counts {
    std::uint32_t references = 0;
    std::uint32_t referrers = 0;
    std::uint32_t last_referrer = no_node;
  };
  std::vector<counts> per_node(n);
  for (std::uint32_t v : g.root_nodes) {
    if (v == no_node) continue;
    per_node[v].references += 1;
    per_node[v].referrers += 1;
    out.total_naive = add_saturating(out.total_naive, shallow[v]);
  }
  for (std::uint32_t u = 0; u < n; ++u) {
    const std::uint32_t c = comps.of[u];
    if (c == no_node) continue;
    std::uint64_t naive = 0;
    for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      const std::uint32_t v = g.targets[e];
      counts& k = per_node[v];
      naive = add_saturating(naive, shallow[v]);
      k.references += 1;
      if (k.last_referrer != u) {
        k.last_referrer = u;
        k.referrers += 1;
      }
    }
    comp_naive[c] = add_saturating(comp_naive[c], naive);
    out.total_naive = add_saturating(out.total_naive, naive);
  }
  out.references.resize(n);
  out.referrers.resize(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    out.references[v] = per_node[v].references;
    out.referrers[v] = per_node[v].referrers;
  }
}

void list_repeated(const std::uint64_t* shallow, root_sizes& out, std::uint32_t top_n) {
  std::vector<repeated_object> all;
  for (std::uint32_t v = 0; v < out.references.size(); ++v) {
    if (out.references[v] >= 2) all.push_back({v, out.references[v]});
  }
  out.repeated_objects = all.size();
  auto extra = [&](const repeated_object& r) { return (r.times - 1) * shallow[r.node]; };
  auto more = [&](const repeated_object& a, const repeated_object& b) {
    std::uint64_t ea = extra(a), eb = extra(b);
    return ea != eb ? ea > eb : a.node < b.node;
  };
  std::size_t keep = std::min<std::size_t>(top_n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), more);
  all.resize(keep);
  out.repeated = std::move(all);
}

}  // namespace

root_sizes measure_roots(const snapshot& snap, const followed_graph& g, const components& comps, std::uint32_t top_n,
                         std::span<const std::uint64_t> weights) {
  const std::uint64_t* shallow = weights.empty() ? snap.graph.shallow.data() : weights.data();
  const std::uint32_t root_count = static_cast<std::uint32_t>(g.root_nodes.size());
  const std::uint32_t comp_count = comps.count();
  root_sizes out;
  out.roots.resize(root_count);
  out.several_roots.assign(g.node_count(), 0);

  // Per component: bytes, and the naive bytes its objects' references add (both go to
  // every root that reaches the component).
  std::vector<std::uint64_t> comp_bytes(comp_count, 0);
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (comps.of[v] != no_node) comp_bytes[comps.of[v]] += shallow[v];
  }
  out.total_objects = comps.nodes.size();
  for (std::uint64_t b : comp_bytes) out.total_deep += b;
  std::vector<std::uint64_t> comp_naive(comp_count, 0);
  count_references(shallow, g, comps, comp_naive, out);
  // Per component: whether the capture cut any of its objects' references.
  std::vector<std::uint8_t> comp_cut(comp_count, 0);
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (comps.of[v] != no_node && (snap.graph.flags[v] & node_flag::truncated)) comp_cut[comps.of[v]] = 1;
  }

  std::vector<std::uint64_t> mask;
  auto propagate = [&](std::uint32_t first, std::uint32_t last, auto&& visit) {
    detail::propagate_roots(g, comps, first, last, mask, visit);
  };
  auto for_each_root = [&](std::uint32_t first, std::uint64_t m, auto&& f) {
    detail::for_each_bit(first, m, [&](std::uint32_t r) { f(out.roots[r]); });
  };

  // reached[c]: how many roots reach component c, saturating at 2.
  std::vector<std::uint8_t> reached(comp_count, 0);
  const bool one_chunk = root_count <= 64;
  for (std::uint32_t first = 0; first < root_count; first += 64) {
    propagate(first, std::min(root_count, first + 64), [&](std::uint32_t c, std::uint64_t m) {
      reached[c] = static_cast<std::uint8_t>(std::min(2, reached[c] + std::popcount(m)));
      const bool shared = one_chunk && reached[c] >= 2;
      for_each_root(first, m, [&](root_size& rs) {
        rs.deep += comp_bytes[c];
        rs.objects += comps.size(c);
        rs.naive = add_saturating(rs.naive, comp_naive[c]);
        rs.lower_bound = rs.lower_bound || comp_cut[c];
        if (shared) {
          rs.shared_bytes += comp_bytes[c];
          rs.shared_objects += comps.size(c);
        }
      });
    });
  }
  // With more than 64 roots, "reached by another root" is known only after every chunk.
  for (std::uint32_t first = 0; !one_chunk && first < root_count; first += 64) {
    propagate(first, std::min(root_count, first + 64), [&](std::uint32_t c, std::uint64_t m) {
      if (reached[c] < 2) return;
      for_each_root(first, m, [&](root_size& rs) {
        rs.shared_bytes += comp_bytes[c];
        rs.shared_objects += comps.size(c);
      });
    });
  }

  for (std::uint32_t r = 0; r < root_count; ++r) {
    root_size& rs = out.roots[r];
    rs.node = g.root_nodes[r];
    if (rs.node == no_node) continue;
    rs.shallow = shallow[rs.node];
    rs.naive = add_saturating(rs.naive, rs.shallow);  // the variable's own reference
  }
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (comps.of[v] == no_node) continue;
    out.several_roots[v] = reached[comps.of[v]] >= 2;
    if (out.several_roots[v] || out.referrers[v] >= 2) {
      out.shared_objects += 1;
      out.shared_bytes += shallow[v];
    }
  }
  list_repeated(shallow, out, top_n);
  return out;
}

}  // namespace bytewise
