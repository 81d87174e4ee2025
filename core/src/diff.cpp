#include <bytewise/diff.hpp>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace bytewise {
namespace {

// Per node: 1 when the policy counts it and a root reaches it through references the policy
// follows. A capture keeps the targets of the other references too (a function's globals,
// its code, a type, so a policy can be switched without capturing again); they are not the
// program's objects under this policy and take no part in the diff.
std::vector<std::uint8_t> counted_nodes(const snapshot& snap, const traversal_policy& policy) {
  const followed_graph f = follow(snap, policy);
  std::vector<std::uint8_t> seen(f.node_count(), 0);
  std::vector<std::uint32_t> queue;
  for (std::uint32_t r : f.root_nodes) {
    if (r != no_node && !seen[r]) {
      seen[r] = 1;
      queue.push_back(r);
    }
  }
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const std::uint32_t v = queue[i];
    for (std::uint32_t e = f.offsets[v]; e < f.offsets[v + 1]; ++e) {
      const std::uint32_t t = f.targets[e];
      if (!seen[t]) {
        seen[t] = 1;
        queue.push_back(t);
      }
    }
  }
  return seen;
}

std::uint64_t change_size(const object_change& c) {
  return c.after_bytes > c.before_bytes ? c.after_bytes - c.before_bytes : c.before_bytes - c.after_bytes;
}

}  // namespace

snapshot_diff diff_snapshots(const snapshot& before, const snapshot& after, const traversal_policy& policy,
                             std::uint32_t top_n) {
  const object_graph& a = before.graph;
  const object_graph& b = after.graph;
  const std::vector<std::uint8_t> counted_a = counted_nodes(before, policy);
  const std::vector<std::uint8_t> counted_b = counted_nodes(after, policy);
  std::unordered_map<std::uint64_t, std::uint32_t> by_address;
  by_address.reserve(a.node_count());
  for (std::uint32_t v = 0; v < a.node_count(); ++v) {
    if (counted_a[v]) by_address.emplace(a.address[v], v);
  }
  std::vector<std::uint8_t> matched(a.node_count(), 0);
  snapshot_diff out;
  std::vector<object_change> changes;
  std::uint64_t before_total = 0, after_total = 0;
  for (std::uint32_t v = 0; v < b.node_count(); ++v) {
    if (!counted_b[v]) continue;
    after_total += b.shallow[v];
    auto it = by_address.find(b.address[v]);
    if (it != by_address.end() && before.strings.get(a.type[it->second]) == after.strings.get(b.type[v])) {
      std::uint32_t u = it->second;
      matched[u] = 1;
      object_change c{change_kind::grew, u, v, a.shallow[u], b.shallow[v]};
      if (c.after_bytes > c.before_bytes) {
        out.grew.objects += 1;
        out.grew.bytes += c.after_bytes - c.before_bytes;
        changes.push_back(c);
      } else if (c.after_bytes < c.before_bytes) {
        c.kind = change_kind::shrank;
        out.shrank.objects += 1;
        out.shrank.bytes += c.before_bytes - c.after_bytes;
        changes.push_back(c);
      } else {
        out.unchanged.objects += 1;
        out.unchanged.bytes += c.after_bytes;
      }
      continue;
    }
    out.appeared.objects += 1;
    out.appeared.bytes += b.shallow[v];
    changes.push_back({change_kind::appeared, no_node, v, 0, b.shallow[v]});
  }
  for (std::uint32_t u = 0; u < a.node_count(); ++u) {
    if (!counted_a[u]) continue;
    before_total += a.shallow[u];
    if (matched[u]) continue;
    out.freed.objects += 1;
    out.freed.bytes += a.shallow[u];
    changes.push_back({change_kind::freed, u, no_node, a.shallow[u], 0});
  }
  out.net_bytes = static_cast<std::int64_t>(after_total) - static_cast<std::int64_t>(before_total);
  auto bigger = [](const object_change& x, const object_change& y) {
    std::uint64_t dx = change_size(x), dy = change_size(y);
    if (dx != dy) return dx > dy;
    if (x.kind != y.kind) return x.kind < y.kind;
    return x.after != y.after ? x.after < y.after : x.before < y.before;
  };
  std::size_t keep = std::min<std::size_t>(top_n, changes.size());
  std::partial_sort(changes.begin(), changes.begin() + static_cast<std::ptrdiff_t>(keep), changes.end(), bigger);
  changes.resize(keep);
  out.largest = std::move(changes);
  return out;
}

}  // namespace bytewise
