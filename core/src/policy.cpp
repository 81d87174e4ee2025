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

bool follows_kind(const traversal_policy& p, edge_kind kind) {
  switch (kind) {
    case edge_kind::type:
    case edge_kind::definition: return p.follow_types;
    case edge_kind::globals: return p.follow_globals;
    case edge_kind::code: return p.follow_code;
    default: return true;
  }
}

bool enters_category(const traversal_policy& p, node_category category) {
  switch (category) {
    case node_category::type_object: return p.follow_types;
    case node_category::module: return p.follow_modules;
    case node_category::code: return p.follow_code;
    default: return true;
  }
}

namespace {

// What a policy does to edges by their kind, and to targets by their category, as tables.
struct edge_rules {
  bool kind_followed[edge_kind_count];
  bool category_followed[node_category_count];

  explicit edge_rules(const traversal_policy& p) {
    for (std::uint8_t k = 0; k < edge_kind_count; ++k) kind_followed[k] = follows_kind(p, static_cast<edge_kind>(k));
    for (std::uint8_t c = 0; c < node_category_count; ++c) {
      category_followed[c] = enters_category(p, static_cast<node_category>(c));
    }
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
