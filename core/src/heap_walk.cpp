// The heap walker (see bytewise/heap_walk.hpp and heap_walker.hpp): nodes, the
// breadth-first walk, and the entry point.
#include "heap_walker.hpp"

#include <algorithm>
#include <unordered_set>

namespace bytewise {
namespace detail::walk {

// Room for `n` nodes in every node column, and `n` edges in every edge column: capacity
// only (the walk appends), grown to what the caller knows it needs or by half again, so
// that appending never reallocates in the walk's loop.
template <typename... Columns>
void room(std::uint64_t n, Columns&... columns) {
  auto grow = [n](auto& column) {
    if (n > column.capacity())
      column.reserve(std::max<std::uint64_t>({n, column.capacity() + column.capacity() / 2, 1024}));
  };
  (grow(columns), ...);
}

void walker::node_room(std::uint64_t n) {
  object_graph& g = out_.snap.graph;
  if (n <= g.address.capacity()) return;
  n = std::min<std::uint64_t>(n, s_.object_cap);
  room(n, g.address, g.type, g.shallow, g.length, g.shape, g.flags, g.label, g.refcount, node_types_);
  if (tracked_) room(n, owner_);
  room(n + 1, g.edge_offsets);
  // The index grows with the columns: once for a list of ten million floats, not by the
  // twenty-odd doublings that rehash every entry again.
  index_of_.reserve(g.address.capacity(), [&g](std::uint32_t v) { return g.address[v]; });
}

void walker::edge_room(std::uint64_t n) {
  object_graph& g = out_.snap.graph;
  if (n <= g.edge_target.capacity()) return;
  room(n, g.edge_target, g.edge_kinds, g.edge_label);
}

// probe._Capture.add for one object: appends its node's columns (node_room made room for them).
std::uint32_t walker::add_node(std::uint64_t address) {
  object_graph& g = out_.snap.graph;
  const std::uint32_t node = nodes_++;
  g.address.push_back(address);
  g.type.push_back(no_string);
  g.shallow.push_back(0);
  g.length.push_back(0);
  g.shape.push_back(0);
  g.flags.push_back(0);
  g.label.push_back(no_string);
  g.refcount.push_back(refcount_unknown);
  if (tracked_) owner_.push_back(slot_);
  ++shares_[slot_].admitted;
  const type_info* t = type_of(address);
  node_types_.push_back(t);
  if (!t || !t->valid) {
    g.type[node] = intern("?");
    problem(address, "walk.unreadable_object", "An object's header is outside the memory read.");
    hand_back(node,
              handed_back_part::size | handed_back_part::references | handed_back_part::label | handed_back_part::flags,
              "walk.unreadable_object");
    return node;
  }
  g.type[node] = t->name;
  std::uint32_t flags = t->flags;
  if (s_.heap_base && address < s_.heap_base) flags |= node_flag::static_object;
  if (address >= small_low_ && address <= small_high_ &&
      std::binary_search(small_ints_.begin(), small_ints_.end(), address)) {
    flags |= node_flag::small_int;
  }
  const auto refcnt = r_.field(address, o_.header.refcnt);
  const bool immortal = refcnt && o_.header.immortal_minimum && *refcnt >= o_.header.immortal_minimum;
  if (immortal) flags |= node_flag::immortal;
  // gc.is_tracked: a GC type's object (a type object only when it is a heap type) whose
  // PyGC_Head links it into a generation.
  bool gc = t->tp_flags & o_.type_flags.have_gc;
  if (gc && is(*t, known_type::type)) {
    const auto f = r_.field(address, o_.type.flags);
    gc = f && (*f & o_.type_flags.heap_type);
  }
  if (gc && r_.field(address, o_.header.gc_next).value_or(0) != 0) flags |= node_flag::gc_tracked;
  if (is(*t, known_type::str)) {
    const auto state = r_.field(address, o_.str.state);
    if (state && (*state & o_.str.interned_mask)) flags |= node_flag::interned;
  }
  g.flags[node] = flags;
  const std::uint32_t category = (flags & node_flag::category_mask) >> node_flag::category_shift;
  if (!immortal && refcnt && category != static_cast<std::uint32_t>(node_category::type_object) &&
      category != static_cast<std::uint32_t>(node_category::code)) {
    g.refcount[node] = static_cast<std::uint32_t>(std::min<std::uint64_t>(*refcnt, refcount_unknown - 1));
  }
  const probe_answer* answer = answer_for(address);
  if (answer && answer->size) {
    g.shallow[node] = *answer->size;
    g.length[node] = answer->length.value_or(0);
    answer_diagnostics(node, *answer, true);
  } else {
    size_node(node, address, *t);
  }
  // The probe's shape word, where it answered: a dict whose references it recorded has
  // the str-keys fact the walker reads only while it labels the keys itself.
  if (answer && answer->shape) g.shape[node] = *answer->shape;
  if (answer && answer->label) {
    if (node < s_.label_cap) g.label[node] = intern(*answer->label);
  } else if (t->labelled && node < s_.label_cap) {
    const auto label = short_label(address, *t);
    if (label) {
      g.label[node] = intern(*label);
    } else {
      hand_back(node, handed_back_part::label, "walk.label: a character outside Latin-1");
    }
  }
  return node;
}

bool walker::capped(std::uint32_t node, std::uint64_t count, const type_info& t) {
  if (count <= s_.edge_cap) return false;
  out_.snap.graph.flags[node] |= node_flag::truncated;
  std::string cap = std::to_string(s_.edge_cap), grouped;
  for (std::size_t i = 0; i < cap.size(); ++i) {
    if (i && (cap.size() - i) % 3 == 0) grouped += ',';
    grouped += cap[i];
  }
  out_.snap.diagnostics.push_back(
      {node, intern("probe.edge_cap"),
       intern("Only the first " + grouped + " references of this " + t.qualname + " were read (edge cap).")});
  return true;
}

// An answer's diagnostics go where the probe makes them: its sizing's (probe.own_sizeof)
// with the node, the rest with its references.
void walker::answer_diagnostics(std::uint32_t node, const probe_answer& a, bool of_size) {
  for (const auto& [code, message] : a.diagnostics) {
    const bool sizing = code == "probe.own_sizeof";
    if (sizing != of_size) continue;
    // The probe names a class with its own __sizeof__ once, at its first object; every
    // answer carries it, so the first node of the class keeps it.
    if (sizing && !own_sizeof_named_.insert(out_.snap.graph.type[node]).second) continue;
    out_.snap.diagnostics.push_back({node, intern(code), intern(message)});
  }
}

// probe._Capture.expand for one node: its references, new targets numbered in order.
void walker::expand(std::uint32_t node) {
  object_graph& g = out_.snap.graph;
  const std::uint64_t address = g.address[node];
  const type_info* t = node_types_[node];
  // The probe's references, where it answered for this object.
  const probe_answer* answer = t && t->valid ? answer_for(address) : nullptr;
  const bool answered = answer && answer->references;
  if (!t || !t->valid || !(t->expandable || answered) || (g.flags[node] & node_flag::not_followed)) {
    g.edge_offsets.push_back(edges_);
    return;
  }
  std::vector<pending_edge>& edges = edges_scratch_;
  edges.clear();
  if (answered) {
    for (const probe_reference& r : *answer->references) {
      const std::uint32_t label = r.kind == edge_kind::index ? r.index : (r.label ? intern(*r.label) : no_string);
      edges.push_back({r.target, r.kind, label});
    }
    if (answer->truncated) g.flags[node] |= node_flag::truncated;
    answer_diagnostics(node, *answer, false);
  } else if (!references(node, address, *t, edges)) {
    hand_back(node, handed_back_part::references, "walk.references: " + t->qualname);
    edges.clear();
  }
  const auto key_of = [&g](std::uint32_t n) { return g.address[n]; };
  node_room(std::min<std::uint64_t>(std::uint64_t{nodes_} + edges.size(), s_.object_cap));
  edge_room(std::uint64_t{edges_} + edges.size());
  // New objects are this node's share's: as many as its room (the cap's, or its quota's).
  slot_ = owner_.empty() ? 0 : owner_[node];
  std::uint64_t room = room_for(slot_);
  for (const pending_edge& e : edges) {
    std::uint32_t target;
    if (room > 0) {
      const auto [n, added] = index_of_.find_or_add(e.target, nodes_, key_of);
      target = n;
      if (added) add_node(e.target), --room;
    } else {
      target = index_of_.find(e.target, key_of);
      if (target == detail::address_index::none) {
        leave_out(slot_, e.target);
        g.flags[node] |= node_flag::truncated;
        continue;
      }
    }
    g.edge_target.push_back(target);
    g.edge_kinds.push_back(e.kind);
    g.edge_label.push_back(e.label);
    ++edges_;
  }
  g.edge_offsets.push_back(edges_);
}

//-----------------------------------------------------------------------------

walk_result walker::run() {
  for (const class_facts& f : s_.classes) facts_.emplace(f.address, &f);
  for (const probe_answer& a : s_.answers) answers_.emplace(a.address, &a);
  small_ints_ = s_.small_int_addresses;
  std::sort(small_ints_.begin(), small_ints_.end());
  if (!small_ints_.empty()) small_low_ = small_ints_.front(), small_high_ = small_ints_.back();
  snapshot& snap = out_.snap;
  snap.platform = s_.platform;
  snap.capture.small_ints_probed = s_.small_int_min <= s_.small_int_max;
  snap.capture.small_int_min = s_.small_int_min;
  snap.capture.small_int_max = s_.small_int_max;
  snap.capture.interned_known = true;
  snap.capture.static_known = s_.heap_base != 0;
  snap.capture.object_cap = s_.object_cap;
  snap.capture.policy = s_.policy;
  // The caller's findings first, as the probe records them (its diagnostics argument).
  for (const auto& [code, message] : s_.diagnostics)
    snap.diagnostics.push_back({no_node, intern(code), intern(message)});
  // Roots: distinct objects in order, each with its share of the cap and its node; each
  // named root points at its object's node.
  const auto key_of = [&snap](std::uint32_t n) { return snap.graph.address[n]; };
  // Untracked, every root is in share 0; tracked, each distinct root object has its own.
  std::unordered_map<std::uint64_t, std::uint32_t> share_of;
  std::vector<std::uint64_t> share_roots;
  for (const auto& root : s_.roots) {
    const auto share = static_cast<std::uint32_t>(tracked_ ? share_roots.size() : 0);
    if (share_of.emplace(root.second, share).second) share_roots.push_back(root.second);
  }
  shares_.resize(tracked_ ? share_roots.size() : 1);
  for (const std::uint64_t address : share_roots) {
    slot_ = share_of.at(address);
    if (room_for(slot_) == 0) {
      leave_out(slot_, address);
      continue;
    }
    node_room(std::uint64_t{nodes_} + 1);
    index_of_.find_or_add(address, nodes_, key_of);
    add_node(address);
  }
  std::vector<std::uint32_t> root_share;
  std::string left_out_names;
  for (const auto& [name, address] : s_.roots) {
    const std::uint32_t n = index_of_.find(address, key_of);
    if (n != detail::address_index::none) {
      snap.roots.push_back({intern(name), n});
      root_share.push_back(share_of.at(address));
    } else {
      left_out_names += (left_out_names.empty() ? "" : ", ") + name;
    }
  }
  if (!left_out_names.empty()) {
    snap.diagnostics.push_back({no_node, intern("walk.roots_left_out"),
                                intern("The object cap (" + std::to_string(s_.object_cap) +
                                       ") left out these variables' objects, so they are not in the report: " +
                                       left_out_names + ". Raise the object cap to see them.")});
  }
  for (std::uint32_t node = 0; node < nodes_; ++node) expand(node);
  // What each root could not reach: the distinct objects its share left out that no other
  // share reached (the first max_left_out remembered, so a lower bound past them).
  std::sort(left_out_.begin(), left_out_.end());
  left_out_.erase(std::unique(left_out_.begin(), left_out_.end()), left_out_.end());
  std::vector<std::uint32_t> unreached(shares_.size(), 0);
  for (const auto& [share, address] : left_out_) {
    if (index_of_.find(address, key_of) == detail::address_index::none) ++unreached[share];
  }
  for (const std::uint32_t share : root_share) snap.root_unreached.push_back(unreached[share]);
  for (const std::uint64_t address : s_.held) {
    const std::uint32_t n = index_of_.find(address, key_of);
    if (n == detail::address_index::none) continue;
    std::uint32_t& count = snap.graph.refcount[n];
    if (count != refcount_unknown && count > 0) count -= 1;
  }
  out_.bytes_read = r_.bytes_read();
  if (problems_ > max_problems) {
    out_.problems.push_back({"walk.more_problems", std::nullopt,
                             std::to_string(problems_ - max_problems) + " more problems with memory were not listed."});
  }
  return std::move(out_);
}

}  // namespace detail::walk

namespace {

// Walks after the first, to share a reached cap fairly.
constexpr int max_fair_rounds = 3;  // walks with quotas, at most

// Water filling: each root object gets an equal part of the cap, except that one whose last
// walk reached everything it leads to gets no more than it needed, and what it leaves goes
// to the others in equal parts again. Sharing one object at a time round robin, breadth
// first, gives each root these counts.
std::vector<std::uint64_t> fair_quotas(const std::vector<detail::walk::root_share>& shares, std::uint64_t cap) {
  constexpr std::uint64_t unbounded = ~std::uint64_t{0};
  std::vector<std::size_t> order(shares.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto need = [&](std::size_t i) { return shares[i].complete ? shares[i].admitted : unbounded; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return need(a) < need(b); });
  std::vector<std::uint64_t> quotas(shares.size(), 0);
  std::uint64_t left = cap;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint64_t others = order.size() - k;
    const std::uint64_t part = (left + others - 1) / others;
    quotas[order[k]] = std::min(need(order[k]), part);
    left -= quotas[order[k]];
  }
  return quotas;
}

}  // namespace

std::string_view known_type_key(known_type t) {
  static constexpr std::array<std::string_view, known_type_count> keys{
      "type",
      "object",
      "int",
      "bool",
      "float",
      "complex",
      "str",
      "bytes",
      "bytearray",
      "tuple",
      "list",
      "dict",
      "set",
      "frozenset",
      "NoneType",
      "ellipsis",
      "NotImplementedType",
      "range",
      "slice",
      "cell",
      "function",
      "method",
      "builtin_function_or_method",
      "code",
      "module",
      "member_descriptor",
      "array",
      "frame",
  };
  return keys[static_cast<std::size_t>(t)];
}

bool heap_pages::fill_range(std::uint64_t first, std::uint64_t last) {
  // Runs of missing pages are filled with one call each.
  for (std::uint64_t page = first; page <= last; ++page) {
    if (has(page)) continue;
    std::uint64_t end = page + 1;
    while (end <= last && !has(end)) ++end;
    const std::uint64_t offset = page << page_bits;
    const std::uint64_t length = std::min(end << page_bits, size_) - offset;
    if (!fill_(context_, offset, length)) return false;
    for (std::uint64_t p = page; p < end; ++p) present_[p >> 6] |= std::uint64_t{1} << (p & 63);
    filled_ += end - page;
    page = end - 1;
  }
  return true;
}

result<walk_result> walk_heap(const copied_heap& heap, const walk_setup& setup) {
  const cpython_target target{setup.platform.python_minor, setup.platform.pointer_size};
  const detail::object_offsets* o =
      setup.platform.python_major == 3 && !setup.platform.free_threaded ? detail::find_offsets(target) : nullptr;
  if (!o) {
    return diagnostic{"walk.unsupported_platform", std::nullopt,
                      "The heap walker reads " + std::string("CPython 3.14 on wasm32 (Pyodide) only; ") +
                          describe_target(target) + " objects are captured by the Python probe."};
  }
  std::vector<diagnostic> errors;
  for (std::size_t k = 0; k < known_type_count; ++k) {
    if (!setup.types[k]) {
      errors.push_back({"walk.missing_type", std::nullopt,
                        "The address of type '" + std::string(known_type_key(static_cast<known_type>(k))) +
                            "' is missing: native.type_addresses() gives every one."});
    }
  }
  if (setup.object_cap == 0 || setup.edge_cap == 0) {
    errors.push_back({"walk.bad_cap", std::nullopt, "The object and edge caps must be at least 1."});
  }
  if (!errors.empty()) return errors;
  // The object cap is shared fairly between the roots (breadth first, round robin). The
  // first walk is the probe's order and keeps no account per root; when it reaches the cap
  // and there are two root objects or more, the walk is done again with a quota per root
  // object: equal parts first, then parts worked out from what the last walk gave each
  // (fair_quotas), until every root that was cut had its share.
  walk_result walked = detail::walk::walker(heap, setup, *o).run();
  std::unordered_set<std::uint64_t> distinct;
  for (const auto& root : setup.roots) distinct.insert(root.second);
  if (!walked.snap.capture.truncated || distinct.size() < 2) return walked;
  std::vector<detail::walk::root_share> shares(distinct.size(), {0, false});
  std::vector<std::uint64_t> quotas;
  for (int round = 0; round < max_fair_rounds; ++round) {
    std::vector<std::uint64_t> next = fair_quotas(shares, setup.object_cap);
    bool short_of_share = round == 0;
    for (std::size_t i = 0; i < shares.size(); ++i)
      short_of_share |= !shares[i].complete && shares[i].admitted < next[i];
    if (!short_of_share || next == quotas) break;
    quotas = std::move(next);
    detail::walk::walker again(heap, setup, *o, quotas);
    walked = again.run();
    shares = again.shares();
  }
  return walked;
}

}  // namespace bytewise
