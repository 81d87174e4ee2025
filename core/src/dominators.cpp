// Semi-NCA dominators. Vertices of the search graph: objects 0..n-1, root variables
// n..n+r-1, the super-root n+r. The super-root points to the root variables and to every
// object the interpreter itself holds (immortal objects, cached small ints): no variable
// can free those, so none may retain them. Everything is renumbered in DFS preorder (1-based)
// first; the link-eval forest uses path compression done with an explicit stack.
#include <bytewise/dominators.hpp>

namespace bytewise {
namespace {

class semi_nca {
 public:
  semi_nca(const followed_graph& g, std::vector<std::uint32_t> held)
      : g_(g), n_(g.node_count()), r_(static_cast<std::uint32_t>(g.root_nodes.size())), held_(std::move(held)) {}

  // Calls f(w) for each successor of search-graph vertex v.
  template <typename F>
  void successors(std::uint32_t v, F&& f) const {
    if (v < n_) {
      for (std::uint32_t e = g_.offsets[v]; e < g_.offsets[v + 1]; ++e) f(g_.targets[e]);
    } else if (v < n_ + r_) {
      std::uint32_t target = g_.root_nodes[v - n_];
      if (target != no_node) f(target);
    } else {
      for (std::uint32_t i = 0; i < r_; ++i) f(n_ + i);
      // Held objects count only where some root reaches them (the search visited them).
      for (std::uint32_t h : held_) {
        if (pre_[h] != 0) f(h);
      }
    }
  }

  std::uint32_t super_root() const { return n_ + r_; }
  std::uint32_t vertex_count() const { return n_ + r_ + 1; }

  // Fills pre_ (vertex -> preorder number, 0 = unreached), vertex_, parent_ (preorder).
  void depth_first() {
    const std::uint32_t total = vertex_count();
    pre_.assign(total, 0);
    vertex_.assign(1, no_node);  // preorder numbers start at 1
    parent_.assign(1, 0);
    struct frame {
      std::uint32_t v;
      std::uint32_t next;  // for object vertices: next edge; otherwise next successor index
    };
    std::vector<frame> stack;
    auto enter = [&](std::uint32_t v, std::uint32_t parent_number) {
      pre_[v] = static_cast<std::uint32_t>(vertex_.size());
      vertex_.push_back(v);
      parent_.push_back(parent_number);
      stack.push_back({v, v < n_ ? g_.offsets[v] : 0});
    };
    enter(super_root(), 0);
    while (!stack.empty()) {
      frame& f = stack.back();
      std::uint32_t v = f.v, w = no_node;
      if (v < n_) {
        if (f.next < g_.offsets[v + 1]) w = g_.targets[f.next++];
      } else if (v < n_ + r_) {
        if (f.next++ == 0) w = g_.root_nodes[v - n_];
      } else if (f.next < r_) {
        w = n_ + f.next++;
      } else if (f.next < r_ + held_.size()) {
        // Runs after every root's search: a held object not visited by now is
        // unreachable and stays out; visited ones only gain an edge from the super-root.
        ++f.next;
        continue;
      }
      if (w == no_node) {  // v has no more successors (or a left-out target)
        stack.pop_back();
        continue;
      }
      if (pre_[w] == 0) enter(w, pre_[v]);
    }
  }

  // Predecessors in preorder numbers, CSR, for reached vertices only.
  void build_predecessors() {
    const std::uint32_t count = static_cast<std::uint32_t>(vertex_.size());
    pred_offsets_.assign(std::size_t{count} + 1, 0);
    for (std::uint32_t i = 1; i < count; ++i) {
      successors(vertex_[i], [&](std::uint32_t w) { pred_offsets_[pre_[w] + 1] += 1; });
    }
    for (std::uint32_t i = 0; i < count; ++i) pred_offsets_[i + 1] += pred_offsets_[i];
    preds_.assign(pred_offsets_.back(), 0);
    std::vector<std::uint32_t> next(pred_offsets_.begin(), pred_offsets_.end() - 1);
    for (std::uint32_t i = 1; i < count; ++i) {
      successors(vertex_[i], [&](std::uint32_t w) { preds_[next[pre_[w]]++] = i; });
    }
  }

  // eval(v): the vertex with the smallest semi on v's path in the link-eval forest,
  // compressing that path. Vertices are preorder numbers; ancestor_ 0 means a forest root.
  std::uint32_t eval(std::uint32_t v) {
    if (ancestor_[v] == 0) return v;
    path_.clear();
    for (std::uint32_t u = v; ancestor_[ancestor_[u]] != 0; u = ancestor_[u]) path_.push_back(u);
    // Compress from the top of the path down, so each step sees its ancestor done.
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      std::uint32_t u = *it, a = ancestor_[u];
      if (semi_[label_[a]] < semi_[label_[u]]) label_[u] = label_[a];
      ancestor_[u] = ancestor_[a];
    }
    return label_[v];
  }

  void run(std::vector<std::uint32_t>& idom_pre) {
    depth_first();
    build_predecessors();
    const std::uint32_t count = static_cast<std::uint32_t>(vertex_.size());
    semi_.resize(count);
    label_.resize(count);
    ancestor_.assign(count, 0);
    for (std::uint32_t i = 0; i < count; ++i) semi_[i] = label_[i] = i;
    for (std::uint32_t w = count; w-- > 2;) {
      for (std::uint32_t p = pred_offsets_[w]; p < pred_offsets_[w + 1]; ++p) {
        std::uint32_t v = preds_[p];
        std::uint32_t candidate = v <= w ? v : semi_[eval(v)];
        if (candidate < semi_[w]) semi_[w] = candidate;
      }
      ancestor_[w] = parent_[w];
    }
    idom_pre.assign(count, 0);
    for (std::uint32_t w = 2; w < count; ++w) {
      std::uint32_t d = parent_[w];
      while (d > semi_[w]) d = idom_pre[d];
      idom_pre[w] = d;
    }
  }

  const std::vector<std::uint32_t>& vertex() const { return vertex_; }

 private:
  const followed_graph& g_;
  std::uint32_t n_, r_;
  std::vector<std::uint32_t> held_;
  std::vector<std::uint32_t> pre_, vertex_, parent_;
  std::vector<std::uint32_t> pred_offsets_, preds_;
  std::vector<std::uint32_t> semi_, label_, ancestor_, path_;
};

}  // namespace

dominator_tree dominators(const snapshot& snap, const followed_graph& g) {
  const std::uint32_t n = g.node_count();
  const std::uint32_t r = static_cast<std::uint32_t>(g.root_nodes.size());
  std::vector<std::uint32_t> held;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (g.counted[v] && (snap.graph.flags[v] & (node_flag::immortal | node_flag::small_int))) held.push_back(v);
  }
  semi_nca solver(g, std::move(held));
  std::vector<std::uint32_t> idom_pre;
  solver.run(idom_pre);
  const std::vector<std::uint32_t>& vertex = solver.vertex();
  const std::uint32_t count = static_cast<std::uint32_t>(vertex.size());

  // Retained sizes: children before parents, i.e. reverse preorder.
  std::vector<std::uint64_t> retained(count, 0);
  for (std::uint32_t i = 1; i < count; ++i) {
    if (vertex[i] < n) retained[i] = snap.graph.shallow[vertex[i]];
  }
  for (std::uint32_t i = count; i-- > 2;) retained[idom_pre[i]] += retained[i];

  dominator_tree out;
  out.idom.assign(n, no_node);
  out.retained.assign(n, 0);
  out.root_retained.assign(r, 0);
  for (std::uint32_t i = 2; i < count; ++i) {
    std::uint32_t v = vertex[i];
    std::uint32_t d = vertex[idom_pre[i]];
    if (v < n) {
      out.retained[v] = retained[i];
      out.idom[v] = d < n ? d : d < n + r ? dominator_tree::root_marker + (d - n) : dominator_tree::super_root;
    } else if (v < n + r) {
      out.root_retained[v - n] = retained[i];
    }
  }
  return out;
}

}  // namespace bytewise
