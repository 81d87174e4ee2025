// The heap walker: the references one object owns, as edges.py's rules label them (see heap_walker.hpp).
#include "heap_walker.hpp"

#include <algorithm>

namespace bytewise::detail::walk {

namespace {

// The referents tp_traverse gave, as edges.py's rules claim them one by one: each copy at
// most once, the last unclaimed copy first.
class referent_claims {
 public:
  explicit referent_claims(const std::vector<std::uint64_t>& pending) : pending_(pending), taken_(pending.size()) {}
  bool take(std::uint64_t v) {
    for (std::size_t i = pending_.size(); i-- > 0;) {
      if (!taken_[i] && pending_[i] == v) {
        taken_[i] = true;
        return true;
      }
    }
    return false;
  }
  bool any_left() const { return std::find(taken_.begin(), taken_.end(), false) != taken_.end(); }
  // edges._rest: what is left, each distinct object in the order first seen, all its copies together.
  void rest(std::vector<pending_edge>& out) const {
    std::vector<std::uint64_t> firsts;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (!taken_[i] && std::find(firsts.begin(), firsts.end(), pending_[i]) == firsts.end())
        firsts.push_back(pending_[i]);
    }
    for (std::uint64_t v : firsts) {
      for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (!taken_[i] && pending_[i] == v) out.push_back({v, edge_kind::other, no_string});
      }
    }
  }

 private:
  const std::vector<std::uint64_t>& pending_;
  std::vector<bool> taken_;
};

}  // namespace

bool walker::sequence_items(std::uint64_t items, std::uint64_t count, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  const std::uint8_t* p = count ? r_.bytes(items, count * P) : nullptr;
  if (count && !p) return false;
  out.reserve(out.size() + count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t v = r_.pointer_at(p + i * P);
    if (!v) return false;
    out.push_back({v, edge_kind::index, static_cast<std::uint32_t>(i)});
  }
  return true;
}

// dict.items(d) in order, at most `limit` pairs: a combined table's entries, or a split
// table's values in its insertion order.
bool walker::dict_items(std::uint32_t node, std::uint64_t d, std::uint64_t limit, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  const auto& ko = o_.dict_keys;
  const std::uint64_t keys = ptr_field(d, o_.dict.keys);
  const std::uint64_t values = ptr_field(d, o_.dict.values);
  const auto log2_index = r_.field(keys, ko.log2_index_bytes);
  const auto dk_kind = r_.field(keys, ko.kind);
  const auto nentries = r_.field(keys, ko.nentries);
  const auto used = r_.field(d, o_.dict.used);
  if (!log2_index || !dk_kind || !nentries || !used || *log2_index > 32 || *nentries > max_items) return false;
  const std::uint64_t entries = keys + ko.indices + (std::uint64_t{1} << *log2_index);
  const bool general = *dk_kind == 0;
  const std::uint64_t entry_size = general ? ko.entry_size : ko.unicode_entry_size;
  const field_at key_f = general ? ko.entry_key : ko.unicode_key;
  const field_at value_f = general ? ko.entry_value : ko.unicode_value;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
  if (values) {
    const auto capacity = r_.field(values, o_.inline_values.capacity);
    const auto size = r_.field(values, o_.inline_values.size);
    if (!capacity || !size || *size > *capacity || general) return false;
    const std::uint64_t vals = values + o_.inline_values.value.offset;
    const std::uint8_t* order = r_.bytes(vals + *capacity * P, *size);
    if (*size && !order) return false;
    for (std::uint64_t i = 0; i < *size && pairs.size() < limit; ++i) {
      const std::uint64_t ix = order[i];
      if (ix >= *capacity || ix >= *nentries) return false;
      const std::uint64_t v = r_.pointer(vals + ix * P).value_or(0);
      const std::uint64_t k = ptr_field(entries + ix * entry_size, key_f);
      if (!v || !k) return false;
      pairs.emplace_back(k, v);
    }
  } else {
    const std::uint8_t* p = *nentries ? r_.bytes(entries, *nentries * entry_size) : nullptr;
    if (*nentries && !p) return false;
    for (std::uint64_t i = 0; i < *nentries && pairs.size() < limit; ++i) {
      const std::uint64_t e = entries + i * entry_size;
      const std::uint64_t v = ptr_field(e, value_f);
      if (!v) continue;
      const std::uint64_t k = ptr_field(e, key_f);
      if (!k) return false;
      pairs.emplace_back(k, v);
    }
  }
  if (pairs.size() != std::min<std::uint64_t>(*used, limit)) return false;
  // The shape word's fact: every key is an exact str.
  bool str_keys = true;
  for (const auto& [k, v] : pairs) {
    const type_info* kt = type_of(k);
    if (!kt) return false;
    str_keys &= is(*kt, known_type::str);
    const auto label = key_label(k);
    if (!label) {
      hand_back(node, handed_back_part::label, "walk.label: a key's character outside Latin-1");
      return false;
    }
    const std::uint32_t l = intern(*label);
    out.push_back({k, edge_kind::dict_key, l});
    out.push_back({v, edge_kind::dict_value, l});
  }
  if (pairs.size() < *used) {
    // Capped: the shape still speaks of every key (shapes.shape reads them all).
    str_keys = false;
    return false;
  }
  if (str_keys) out_.snap.graph.shape[node] |= std::uint64_t{1} << shape_facts::dict_str_keys.shift;
  return true;
}

// edges._function_edges: the function's known fields by name, then what else its
// traversal visits (func_traverse's order), grouped as edges._rest groups them.
bool walker::function_edges(std::uint64_t fn, std::vector<pending_edge>& out) {
  const auto& fo = o_.function;
  const std::array<field_at, 14> traversal{fo.code,        fo.globals,  fo.builtins,   fo.module,  fo.defaults,
                                           fo.kwdefaults,  fo.doc,      fo.name,       fo.dict,    fo.closure,
                                           fo.annotations, fo.annotate, fo.typeparams, fo.qualname};
  std::vector<std::uint64_t> pending;
  for (const field_at& f : traversal) {
    const auto v = r_.field(fn, f);
    if (!v) return false;
    if (*v) pending.push_back(*v);
  }
  const struct {
    field_at field;
    edge_kind kind;
    const char* label;
  } known[] = {
      {fo.code, edge_kind::code, "__code__"},
      {fo.globals, edge_kind::globals, "__globals__"},
      {fo.builtins, edge_kind::globals, "__builtins__"},
      {fo.closure, edge_kind::other, "__closure__"},
      {fo.defaults, edge_kind::other, "__defaults__"},
      {fo.kwdefaults, edge_kind::other, "__kwdefaults__"},
      {fo.name, edge_kind::other, "__name__"},
      {fo.qualname, edge_kind::other, "__qualname__"},
      {fo.module, edge_kind::other, "__module__"},
      {fo.doc, edge_kind::other, "__doc__"},
  };
  referent_claims claims(pending);
  for (const auto& k : known) {
    const std::uint64_t v = ptr_field(fn, k.field);
    // Getters return None for an empty field, and the probe skips None targets.
    if (!v || (type_of(v) && is(*type_of(v), known_type::none))) continue;
    if (claims.take(v)) out.push_back({v, k.kind, intern(k.label)});
  }
  claims.rest(out);
  // The closure's cells get the free variables' names when the walk reaches the tuple.
  const std::uint64_t closure = ptr_field(fn, fo.closure);
  const std::uint64_t code = ptr_field(fn, fo.code);
  if (closure && code) {
    const std::uint64_t names = ptr_field(code, o_.code.localsplusnames);
    const std::uint64_t kinds = ptr_field(code, o_.code.localspluskinds);
    const auto n = r_.field(names, o_.header.size);
    const auto nk = r_.field(kinds, o_.header.size);
    if (!n || !nk || *n != *nk || *n > max_items) return false;
    const std::uint8_t* k = r_.bytes(kinds + o_.bytes.data, *n);
    if (*n && !k) return false;
    std::vector<std::uint32_t> free;
    for (std::uint64_t i = 0; i < *n; ++i) {
      if (!(k[i] & o_.code.fast_free)) continue;
      const std::uint64_t name = r_.pointer(names + o_.tuple.item.offset + i * o_.tuple.item.size).value_or(0);
      bool complete = false;
      const auto text = read_str(name, max_name_chars, &complete);
      if (!text || !complete) return false;
      free.push_back(intern(*text));
    }
    hints_[closure] = std::move(free);
  }
  return true;
}

// The referents of an instance of a class statement's class, in subtype_traverse's order:
// its __slots__ values (most derived class first), its inline attribute values (in value
// order) or its __dict__, then its class. `value_indices` gets each referent's inline
// value index (-1: not an inline value).
bool walker::instance_referents(std::uint64_t obj, const type_info& t, std::vector<std::uint64_t>& out,
                                std::vector<std::int64_t>* value_indices) {
  out.clear();
  if (value_indices) value_indices->clear();
  // Slots, class by class along tp_base, each class's members in order (traverse_slots):
  // the probe's facts list them in MRO order, which for these single-base layouts is the
  // same classes; within a class the order of its members.
  for (const auto& [name, offset] : t.slots) {
    (void)name;
    const auto v = r_.pointer(obj + offset);
    if (!v) return false;
    if (*v) {
      out.push_back(*v);
      if (value_indices) value_indices->push_back(-1);
    }
  }
  const unsigned P = r_.pointer_size();
  if (t.tp_flags & o_.type_flags.managed_dict) {
    bool visited_values = false;
    if (t.tp_flags & o_.type_flags.inline_values) {
      const std::uint64_t values = obj + t.basicsize;
      const auto valid = r_.field(values, o_.inline_values.valid);
      const auto capacity = r_.field(values, o_.inline_values.capacity);
      if (!valid || !capacity) return false;
      if (*valid) {
        visited_values = true;
        const std::uint8_t* p = r_.bytes(values + o_.inline_values.value.offset, *capacity * P);
        if (*capacity && !p) return false;
        for (std::uint64_t i = 0; i < *capacity; ++i) {
          const std::uint64_t v = r_.pointer_at(p + i * P);
          if (v) {
            out.push_back(v);
            if (value_indices) value_indices->push_back(static_cast<std::int64_t>(i));
          }
        }
      }
    }
    if (!visited_values) {
      const std::uint64_t dict = ptr_field(obj, o_.header.dict);
      if (dict) {
        out.push_back(dict);
        if (value_indices) value_indices->push_back(-1);
      }
    }
  } else if (t.dictoffset > 0) {
    const std::uint64_t dict = r_.pointer(obj + static_cast<std::uint64_t>(t.dictoffset)).value_or(0);
    if (dict) {
      out.push_back(dict);
      if (value_indices) value_indices->push_back(-1);
    }
  } else if (t.dictoffset < 0) {
    return false;  // a var-sized layout's dict: not a plain instance
  }
  out.push_back(t.address);
  if (value_indices) value_indices->push_back(-1);
  return true;
}

bool walker::str_equals(std::uint64_t str, std::string_view name) {
  bool complete = false;
  const auto text = read_str(str, name.size(), &complete);
  return text && complete && *text == name;
}

// object.__getattribute__(obj, name) for a name no class of the MRO defines: the value in
// the instance's inline values (by the class's shared keys) or in its __dict__.
std::optional<std::uint64_t> walker::attribute_value(std::uint64_t obj, const type_info& t, std::string_view name) {
  const unsigned P = r_.pointer_size();
  const auto& ko = o_.dict_keys;
  auto find_in = [&](std::uint64_t keys, std::uint64_t values_at, std::uint64_t capacity,
                     bool split) -> std::optional<std::uint64_t> {
    const auto log2_index = r_.field(keys, ko.log2_index_bytes);
    const auto dk_kind = r_.field(keys, ko.kind);
    const auto nentries = r_.field(keys, ko.nentries);
    if (!log2_index || !dk_kind || !nentries || *log2_index > 32 || *nentries > max_items) return std::nullopt;
    const bool general = *dk_kind == 0;
    const std::uint64_t entries = keys + ko.indices + (std::uint64_t{1} << *log2_index);
    const std::uint64_t entry_size = general ? ko.entry_size : ko.unicode_entry_size;
    for (std::uint64_t i = 0; i < *nentries; ++i) {
      const std::uint64_t e = entries + i * entry_size;
      const std::uint64_t k = ptr_field(e, general ? ko.entry_key : ko.unicode_key);
      if (!k) continue;
      const type_info* kt = type_of(k);
      if (!kt || !is(*kt, known_type::str) || !str_equals(k, name)) continue;
      if (split) {
        if (i >= capacity) return std::nullopt;
        const std::uint64_t v = r_.pointer(values_at + i * P).value_or(0);
        return v ? std::optional<std::uint64_t>(v) : std::nullopt;
      }
      const std::uint64_t v = ptr_field(e, general ? ko.entry_value : ko.unicode_value);
      return v ? std::optional<std::uint64_t>(v) : std::nullopt;
    }
    return std::nullopt;
  };
  if ((t.tp_flags & o_.type_flags.inline_values) && t.cached_keys) {
    const std::uint64_t values = obj + t.basicsize;
    if (r_.field(values, o_.inline_values.valid).value_or(0)) {
      const std::uint64_t capacity = r_.field(values, o_.inline_values.capacity).value_or(0);
      return find_in(t.cached_keys, values + o_.inline_values.value.offset, capacity, true);
    }
  }
  std::uint64_t dict = 0;
  if (t.tp_flags & o_.type_flags.managed_dict) {
    dict = ptr_field(obj, o_.header.dict);
  } else if (t.dictoffset > 0) {
    dict = r_.pointer(obj + static_cast<std::uint64_t>(t.dictoffset)).value_or(0);
  }
  if (!dict) return std::nullopt;
  const std::uint64_t keys = ptr_field(dict, o_.dict.keys);
  const std::uint64_t values = ptr_field(dict, o_.dict.values);
  if (values) {
    const std::uint64_t capacity = r_.field(values, o_.inline_values.capacity).value_or(0);
    return find_in(keys, values + o_.inline_values.value.offset, capacity, true);
  }
  return find_in(keys, 0, 0, false);
}

// edges.references for an instance of a class statement's class: the fast path
// (plain_instance_edges: attribute values in value order, then the class) when the
// class's first instance taught a layout that this one has, else the general rules (the
// class, __slots__ values by name, attributes by name, the rest unlabelled).
bool walker::instance_edges(std::uint32_t node, std::uint64_t obj, const type_info& t, std::vector<pending_edge>& out) {
  (void)node;
  std::vector<std::int64_t>& indices = indices_scratch_;
  std::vector<std::uint64_t>& referents = referents_scratch_;
  if (!instance_referents(obj, t, referents, &indices)) return false;
  const class_facts& f = *t.facts;
  // The class's shared key names by value index, for the fast path.
  auto key_name = [&](std::uint64_t index) -> std::optional<std::string> {
    if (!t.cached_keys) return std::nullopt;
    const auto& ko = o_.dict_keys;
    const auto log2_index = r_.field(t.cached_keys, ko.log2_index_bytes);
    const auto nentries = r_.field(t.cached_keys, ko.nentries);
    if (!log2_index || !nentries || *log2_index > 32 || index >= *nentries) return std::nullopt;
    const std::uint64_t e =
        t.cached_keys + ko.indices + (std::uint64_t{1} << *log2_index) + index * ko.unicode_entry_size;
    bool complete = false;
    const auto text = read_str(ptr_field(e, ko.unicode_key), max_name_chars, &complete);
    if (!text || !complete) return std::nullopt;
    return text;
  };
  const bool inline_referents =
      referents.size() >= 2 && std::all_of(indices.begin(), indices.end() - 1, [](std::int64_t i) { return i >= 0; });
  if (!t.layout) {
    // edges._learn_layout, from this (the first) instance: every referent but the class is
    // an attribute value found by a plain name, all distinct.
    learned_layout l;
    if (f.plain && inline_referents) {
      l.usable = true;
      std::vector<std::uint64_t> seen(referents.begin(), referents.end() - 1);
      std::sort(seen.begin(), seen.end());
      if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) l.usable = false;
      for (std::size_t i = 0; i + 1 < referents.size() && l.usable; ++i) {
        const auto name = key_name(static_cast<std::uint64_t>(indices[i]));
        if (!name || !std::binary_search(f.plain_names.begin(), f.plain_names.end(), *name)) {
          l.usable = false;
          break;
        }
        l.indices.push_back(static_cast<std::uint32_t>(indices[i]));
        l.labels.push_back(intern(*name));
      }
    }
    t.layout = std::move(l);
  }
  const learned_layout& layout = *t.layout;
  if (layout.usable && inline_referents && indices.size() == layout.indices.size() + 1 &&
      std::equal(layout.indices.begin(), layout.indices.end(), indices.begin(),
                 [](std::uint32_t a, std::int64_t b) { return static_cast<std::int64_t>(a) == b; })) {
    for (std::size_t i = 0; i < layout.indices.size(); ++i) {
      out.push_back({referents[i], edge_kind::attribute, layout.labels[i]});
    }
    out.push_back({t.address, edge_kind::type, no_string});
    return true;
  }
  // The general rules.
  std::vector<std::uint64_t> pending = referents;
  referent_claims claims(pending);
  if (claims.take(t.address)) out.push_back({t.address, edge_kind::type, no_string});
  for (const auto& [name, offset] : t.slots) {
    const std::uint64_t v = r_.pointer(obj + offset).value_or(0);
    if (v && claims.take(v)) out.push_back({v, edge_kind::slot, name});
  }
  const bool any_left = claims.any_left();
  const bool has_dict = (t.tp_flags & o_.type_flags.managed_dict) || t.dictoffset != 0;
  if (any_left && has_dict) {
    for (const std::string& name : f.plain_names) {
      const auto v = attribute_value(obj, t, name);
      if (v && claims.take(*v)) out.push_back({*v, edge_kind::attribute, intern(name)});
    }
  }
  claims.rest(out);
  return true;
}

// edges.references (and probe._Capture._references) for one object. False: the walker
// cannot say what it references; the probe answers.
bool walker::references(std::uint32_t node, std::uint64_t a, const type_info& t, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  if (t.how == kind::instance) {
    if (!instance_edges(node, a, t, out)) return false;
    if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
    return true;
  }
  if (t.how != kind::known) return false;
  using K = known_type;
  switch (t.known) {
    case K::list:
    case K::tuple: {
      const auto n = r_.field(a, o_.header.size);
      if (!n || *n > max_items) return false;
      const std::uint64_t items =
          t.known == K::list ? ptr_field(a, o_.list.items) : a + static_cast<std::uint64_t>(o_.tuple.item.offset);
      if (t.known == K::tuple && !hints_.empty()) {
        auto hint = hints_.find(a);
        if (hint != hints_.end()) {
          // A function's __closure__: each cell named by its free variable.
          std::vector<std::uint32_t> names = std::move(hint->second);
          hints_.erase(hint);
          std::vector<pending_edge> items_out;
          if (!sequence_items(items, *n, items_out)) return false;
          for (std::size_t i = 0; i < items_out.size() && i < names.size(); ++i) {
            out.push_back({items_out[i].target, edge_kind::closure_cell, names[i]});
          }
          if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
          return true;
        }
      }
      const std::uint64_t count = capped(node, *n, t) ? s_.edge_cap : *n;
      return sequence_items(items, count, out);
    }
    case K::dict: {
      const auto used = r_.field(a, o_.dict.used);
      if (!used) return false;
      const std::uint64_t limit = capped(node, 2 * *used, t) ? s_.edge_cap / 2 : *used;
      return dict_items(node, a, limit, out);
    }
    case K::set:
    case K::frozenset: {
      const auto mask = r_.field(a, o_.set.mask);
      const std::uint64_t table = ptr_field(a, o_.set.table);
      const auto used = r_.field(a, o_.set.used);
      if (!mask || !used || !table || *mask >= max_items) return false;
      const std::uint64_t slots = *mask + 1, es = o_.set.entry_size;
      const std::uint8_t* p = r_.bytes(table, slots * es);
      if (!p) return false;
      const std::uint64_t dummy_hash = (std::uint64_t{1} << (8 * o_.set.entry_hash.size)) - 1;  // -1
      for (std::uint64_t i = 0; i < slots; ++i) {
        const std::uint64_t key = ptr_field(table + i * es, o_.set.entry_key);
        const std::uint64_t hash = r_.field(table + i * es, o_.set.entry_hash).value_or(0);
        // A removed key leaves the dummy with hash -1, which no live key has.
        if (!key || hash == dummy_hash) continue;
        out.push_back({key, edge_kind::set_member, no_string});
      }
      if (out.size() != *used) return false;
      if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
      return true;
    }
    case K::function:
      if (!function_edges(a, out)) return false;
      if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
      return true;
    case K::method: {
      const std::uint64_t self = ptr_field(a, o_.method.self), func = ptr_field(a, o_.method.func);
      if (!self || !func) return false;
      out.push_back({self, edge_kind::other, intern("__self__")});
      out.push_back({func, edge_kind::definition, intern("__func__")});
      return true;
    }
    case K::cell: {
      const std::uint64_t ref = ptr_field(a, o_.cell.ref);
      if (ref) out.push_back({ref, edge_kind::other, intern("cell_contents")});
      return true;
    }
    case K::object: return true;
    case K::slice:
    case K::builtin_function: {
      // The general rules with nothing to name: what CPython's traversal visits, grouped
      // as edges._rest groups it.
      std::vector<std::uint64_t> referents;
      if (t.known == K::slice) {
        for (field_at f : {o_.slice.start, o_.slice.stop, o_.slice.step}) {
          const std::uint64_t v = ptr_field(a, f);
          if (v) referents.push_back(v);
        }
      } else {
        const auto& bo = o_.builtin_function;
        const std::uint64_t ml = ptr_field(a, bo.ml);
        const auto ml_flags = r_.field(ml, bo.ml_flags);
        if (!ml_flags) return false;
        for (field_at f : {bo.klass, bo.self, bo.module}) {
          if (f.offset == bo.klass.offset && !(*ml_flags & bo.meth_method)) continue;
          const std::uint64_t v = ptr_field(a, f);
          if (v) referents.push_back(v);
        }
      }
      std::vector<std::uint64_t> firsts;
      for (std::uint64_t v : referents) {
        if (std::find(firsts.begin(), firsts.end(), v) == firsts.end()) firsts.push_back(v);
      }
      for (std::uint64_t v : firsts) {
        for (std::uint64_t w : referents) {
          if (w == v) out.push_back({v, edge_kind::other, no_string});
        }
      }
      (void)P;
      return true;
    }
    default: return false;  // type objects, modules and code the policy follows: the probe answers
  }
}

}  // namespace bytewise::detail::walk
