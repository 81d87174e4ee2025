// Snapshot model helpers: the string table, names of enum values, and the builder that
// tests and tools use to make consistent snapshots in code.
#include <bytewise/snapshot.hpp>

#include <algorithm>

namespace bytewise {

std::string to_string(const diagnostic& d) {
  std::string out = d.code;
  if (d.offset) out += " at byte " + std::to_string(*d.offset);
  out += ": ";
  out += d.message;
  return out;
}

std::string_view to_string(edge_kind kind) {
  switch (kind) {
    case edge_kind::index: return "index";
    case edge_kind::dict_key: return "dict key";
    case edge_kind::dict_value: return "dict value";
    case edge_kind::attribute: return "attribute";
    case edge_kind::slot: return "slot";
    case edge_kind::closure_cell: return "closure cell";
    case edge_kind::frame_local: return "frame local";
    case edge_kind::set_member: return "set member";
    case edge_kind::other: return "other";
    case edge_kind::type: return "type";
    case edge_kind::globals: return "globals";
    case edge_kind::code: return "code";
    case edge_kind::definition: return "definition";
  }
  return "unknown";
}

std::string_view string_table::at(std::uint32_t index) const {
  std::uint32_t start = index == 0 ? 0 : ends_[index - 1];
  return std::string_view(data_).substr(start, ends_[index] - start);
}

std::string_view string_table::get(std::uint32_t index, std::string_view fallback) const {
  return index < size() ? at(index) : fallback;
}

std::uint32_t string_table::add(std::string_view text) {
  data_.append(text);
  ends_.push_back(static_cast<std::uint32_t>(data_.size()));
  return size() - 1;
}

void string_table::assign(std::string data, std::vector<std::uint32_t> ends) {
  data_ = std::move(data);
  ends_ = std::move(ends);
}

snapshot_builder::snapshot_builder(platform_info p) {
  if (p.pointer_size == 0) {
    p.pointer_size = 4;
    p.python_major = 3;
    p.python_minor = 14;
    p.python_micro = 2;
    p.implementation = "CPython";
  }
  snap_.platform = std::move(p);
}

std::uint32_t snapshot_builder::string_index(std::string_view text) {
  auto it = string_ids_.find(text);
  if (it != string_ids_.end()) return it->second;
  std::uint32_t index = snap_.strings.add(text);
  string_ids_.emplace(std::string(text), index);
  return index;
}

std::uint32_t snapshot_builder::add_node(std::string_view type, std::uint64_t shallow, std::uint64_t address,
                                         std::uint32_t flags) {
  object_graph& g = snap_.graph;
  g.address.push_back(address);
  g.type.push_back(string_index(type));
  g.shallow.push_back(shallow);
  g.length.push_back(0);
  g.shape.push_back(0);
  g.flags.push_back(flags);
  g.label.push_back(no_string);
  return g.node_count() - 1;
}

void snapshot_builder::set_length(std::uint32_t node, std::uint64_t length) {
  snap_.graph.length[node] = length;
  snap_.graph.flags[node] |= node_flag::has_length;
}

void snapshot_builder::set_shape(std::uint32_t node, std::uint64_t shape) { snap_.graph.shape[node] = shape; }

void snapshot_builder::set_label(std::uint32_t node, std::string_view label) {
  snap_.graph.label[node] = string_index(label);
}

void snapshot_builder::set_refcount(std::uint32_t node, std::uint32_t refcount) {
  std::vector<std::uint32_t>& column = snap_.graph.refcount;
  if (column.size() < snap_.graph.node_count()) column.resize(snap_.graph.node_count(), refcount_unknown);
  column[node] = refcount;
}

void snapshot_builder::add_edge(std::uint32_t source, std::uint32_t target, edge_kind kind, std::uint32_t label) {
  edges_.push_back({source, {target, kind, label}});
}

void snapshot_builder::add_edge(std::uint32_t source, std::uint32_t target, edge_kind kind, std::string_view label) {
  add_edge(source, target, kind, string_index(label));
}

void snapshot_builder::add_root(std::string_view name, std::uint32_t node) {
  snap_.roots.push_back({string_index(name), node});
}

// A stable counting sort by source turns the edge list into CSR columns, keeping each
// node's edges in the order they were added.
snapshot snapshot_builder::build() && {
  object_graph& g = snap_.graph;
  const std::uint32_t n = g.node_count();
  if (!g.refcount.empty()) g.refcount.resize(n, refcount_unknown);  // nodes added after the last set_refcount
  g.edge_offsets.assign(std::size_t{n} + 1, 0);
  for (const auto& [source, e] : edges_) g.edge_offsets[source + 1] += 1;
  for (std::uint32_t i = 0; i < n; ++i) g.edge_offsets[i + 1] += g.edge_offsets[i];
  std::vector<std::uint32_t> next(g.edge_offsets.begin(), g.edge_offsets.end() - 1);
  g.edge_target.resize(edges_.size());
  g.edge_kinds.resize(edges_.size());
  g.edge_label.resize(edges_.size());
  for (const auto& [source, e] : edges_) {
    std::uint32_t at = next[source]++;
    g.edge_target[at] = e.target;
    g.edge_kinds[at] = e.kind;
    g.edge_label[at] = e.label;
  }
  edges_.clear();
  return std::move(snap_);
}

}  // namespace bytewise
