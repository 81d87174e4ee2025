#include <bytewise/policy.hpp>

namespace bytewise {

bool shared_with_interpreter(const object_graph& g, std::uint32_t node) {
  return (g.flags[node] & (node_flag::immortal | node_flag::small_int | node_flag::interned)) != 0;
}

namespace {

bool follows_edge(const object_graph& g, const traversal_policy& p, std::uint32_t e) {
  switch (g.edge_kinds[e]) {
    case edge_kind::type: return p.follow_types;
    case edge_kind::globals: return p.follow_globals;
    case edge_kind::code: return p.follow_code;
    default: break;
  }
  switch (g.category(g.edge_target[e])) {
    case node_category::type_object: return p.follow_types;
    case node_category::module: return p.follow_modules;
    case node_category::code: return p.follow_code;
    default: return true;
  }
}

}  // namespace

followed_graph follow(const snapshot& snap, const traversal_policy& policy) {
  const object_graph& g = snap.graph;
  const std::uint32_t n = g.node_count();
  followed_graph out;
  out.counted.assign(n, 1);
  if (!policy.include_interpreter_shared) {
    for (std::uint32_t v = 0; v < n; ++v) out.counted[v] = !shared_with_interpreter(g, v);
  }
  out.offsets.assign(std::size_t{n} + 1, 0);
  out.targets.reserve(g.edge_count());
  for (std::uint32_t v = 0; v < n; ++v) {
    if (out.counted[v]) {
      for (std::uint32_t e = g.first_edge(v); e < g.end_edge(v); ++e) {
        std::uint32_t t = g.edge_target[e];
        if (out.counted[t] && follows_edge(g, policy, e)) out.targets.push_back(t);
      }
    }
    out.offsets[v + 1] = static_cast<std::uint32_t>(out.targets.size());
  }
  out.root_nodes.reserve(snap.roots.size());
  for (const root& r : snap.roots) out.root_nodes.push_back(out.counted[r.node] ? r.node : no_node);
  return out;
}

}  // namespace bytewise
