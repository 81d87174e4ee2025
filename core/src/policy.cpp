#include <bytewise/policy.hpp>

namespace bytewise {

bool shared_with_interpreter(const object_graph& g, std::uint32_t node) {
  return (g.flags[node] & (node_flag::immortal | node_flag::small_int | node_flag::interned)) != 0;
}

followed_graph& followed_graph::operator=(followed_graph&& other) noexcept {
  const bool owns = !other.owned_offsets.empty();
  counted = std::move(other.counted);
  root_nodes = std::move(other.root_nodes);
  owned_offsets = std::move(other.owned_offsets);
  owned_targets = std::move(other.owned_targets);
  // Moving a vector keeps its buffer, so views of owned storage stay valid; reset them
  // anyway so the invariant is visible here.
  offsets = owns ? std::span<const std::uint32_t>(owned_offsets) : other.offsets;
  targets = owns ? std::span<const std::uint32_t>(owned_targets) : other.targets;
  other.offsets = {};
  other.targets = {};
  return *this;
}

namespace {

// What a policy does to edges by their kind, and to targets by their category.
struct edge_rules {
  bool kind_followed[edge_kind_count];
  bool category_followed[node_category_count];

  explicit edge_rules(const traversal_policy& p) {
    for (bool& k : kind_followed) k = true;
    for (bool& c : category_followed) c = true;
    kind_followed[static_cast<int>(edge_kind::type)] = p.follow_types;
    kind_followed[static_cast<int>(edge_kind::definition)] = p.follow_types;
    kind_followed[static_cast<int>(edge_kind::globals)] = p.follow_globals;
    kind_followed[static_cast<int>(edge_kind::code)] = p.follow_code;
    category_followed[static_cast<int>(node_category::type_object)] = p.follow_types;
    category_followed[static_cast<int>(node_category::module)] = p.follow_modules;
    category_followed[static_cast<int>(node_category::code)] = p.follow_code;
  }
};

}  // namespace

followed_graph follow(const snapshot& snap, const traversal_policy& policy) {
  const object_graph& g = snap.graph;
  const std::uint32_t n = g.node_count();
  const edge_rules rules(policy);
  followed_graph out;
  // One byte per node says whether an edge may lead to it: a small array, so the random
  // lookups below stay in cache.
  out.counted.assign(n, 1);
  std::vector<std::uint8_t> enterable(n);
  bool filters_nodes = false;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (!policy.include_interpreter_shared && shared_with_interpreter(g, v)) out.counted[v] = 0;
    enterable[v] = out.counted[v] && rules.category_followed[static_cast<int>(g.category(v))];
    filters_nodes |= !out.counted[v];
  }
  auto followed = [&](std::uint32_t e) {
    return enterable[g.edge_target[e]] && rules.kind_followed[static_cast<int>(g.edge_kinds[e])];
  };
  bool filters_edges = false;
  for (std::uint32_t e = 0; e < g.edge_count() && !filters_edges; ++e) filters_edges = !followed(e);

  if (!filters_nodes && !filters_edges) {
    out.offsets = g.edge_offsets;
    out.targets = g.edge_target;
  } else {
    out.owned_offsets.assign(std::size_t{n} + 1, 0);
    out.owned_targets.reserve(g.edge_count());
    for (std::uint32_t v = 0; v < n; ++v) {
      if (out.counted[v]) {
        for (std::uint32_t e = g.first_edge(v); e < g.end_edge(v); ++e) {
          if (followed(e)) out.owned_targets.push_back(g.edge_target[e]);
        }
      }
      out.owned_offsets[v + 1] = static_cast<std::uint32_t>(out.owned_targets.size());
    }
    out.offsets = out.owned_offsets;
    out.targets = out.owned_targets;
  }
  out.root_nodes.reserve(snap.roots.size());
  for (const root& r : snap.roots) out.root_nodes.push_back(out.counted[r.node] ? r.node : no_node);
  return out;
}

}  // namespace bytewise
