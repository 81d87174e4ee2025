// Deep sizes by iterative depth-first search. Each walk marks visited nodes with its own
// stamp, so the visited array is allocated once and never cleared between roots.
#include <bytewise/sizes.hpp>

namespace bytewise {
namespace {

struct walk_result {
  std::uint64_t bytes = 0;
  std::uint64_t objects = 0;
};

class walker {
 public:
  explicit walker(const object_graph& g) : g_(g), stamp_(g.node_count(), 0) {}

  // Adds every node reachable from `start` not yet stamped with `stamp`.
  walk_result walk(std::uint32_t start, std::uint32_t stamp) {
    walk_result out;
    visit(start, stamp, out);
    while (!stack_.empty()) {
      std::uint32_t node = stack_.back();
      stack_.pop_back();
      for (std::uint32_t e = g_.first_edge(node); e < g_.end_edge(node); ++e) {
        visit(g_.edge_target[e], stamp, out);
      }
    }
    return out;
  }

 private:
  void visit(std::uint32_t node, std::uint32_t stamp, walk_result& out) {
    if (stamp_[node] == stamp) return;
    stamp_[node] = stamp;
    out.bytes += g_.shallow[node];
    out.objects += 1;
    stack_.push_back(node);
  }

  const object_graph& g_;
  std::vector<std::uint32_t> stamp_;
  std::vector<std::uint32_t> stack_;
};

}  // namespace

root_sizes measure_roots(const snapshot& snap) {
  const object_graph& g = snap.graph;
  root_sizes out;
  out.roots.reserve(snap.roots.size());
  walker w(g);
  // Stamp 1 is the union walk; roots use 2, 3, ...
  constexpr std::uint32_t union_stamp = 1;
  std::uint32_t stamp = union_stamp;
  for (const root& r : snap.roots) {
    walk_result one = w.walk(r.node, ++stamp);
    out.roots.push_back({r.node, g.shallow[r.node], one.bytes, one.objects});
  }
  for (const root& r : snap.roots) {
    walk_result more = w.walk(r.node, union_stamp);
    out.total_deep += more.bytes;
    out.total_objects += more.objects;
  }
  return out;
}

}  // namespace bytewise
