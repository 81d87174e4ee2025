// The layout model's walk: read an object's facts back from the size measured on the
// source platform (using the source's row of layout_tables.cpp), then compute
// sys.getsizeof for the target's row. Every formula is checked on the source first: if
// the measured size does not fit it (a class with its own __sizeof__, say), nothing is
// predicted.
#include <bytewise/layout_model.hpp>

#include "layout_tables.hpp"

#include <algorithm>
#include <bit>
#include <unordered_map>
#include <utility>

namespace bytewise {

using detail::find_params;
using detail::layout_params;

std::string target_name(cpython_target t) {
  return "cpython-3." + std::to_string(t.minor) + (t.pointer_size == 8 ? "-64" : "-wasm32");
}

std::string describe_target(cpython_target t) {
  if (t.pointer_size == 8) return "64-bit CPython 3." + std::to_string(t.minor);
  return "32-bit wasm CPython 3." + std::to_string(t.minor) + " (Pyodide)";
}

std::string short_target_name(cpython_target t) {
  return (t.pointer_size == 8 ? "64-bit 3." : "wasm32 3.") + std::to_string(t.minor);
}

const std::vector<cpython_target>& modelled_targets() {
  static const std::vector<cpython_target> all = [] {
    std::vector<cpython_target> out;
    for (const layout_params& row : detail::all_params()) out.push_back(row.target);
    return out;
  }();
  return all;
}

std::optional<cpython_target> parse_target(std::string_view name) {
  for (const cpython_target& t : modelled_targets()) {
    if (target_name(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<cpython_target> source_target(const platform_info& p) {
  if (p.implementation != "CPython" || p.python_major != 3 || p.free_threaded) return std::nullopt;
  cpython_target t{p.python_minor, p.pointer_size};
  if (!find_params(t)) return std::nullopt;
  return t;
}

std::string_view to_string(prediction_status s) {
  switch (s) {
    case prediction_status::measured: return "measured";
    case prediction_status::exact: return "exact";
    case prediction_status::assumed: return "assumed";
    case prediction_status::not_modelled: return "not modelled";
  }
  return "unknown";
}

void prediction_column::assign(std::uint32_t count) {
  sizes_.assign(count, 0);
  status_.assign(count, static_cast<std::uint8_t>(prediction_status::not_modelled));
  rule_.assign(count, 0);
}

std::uint16_t prediction_column::rule_index(std::string_view rule) {
  if (rules_[last_rule_] == rule) return last_rule_;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i] == rule) return last_rule_ = static_cast<std::uint16_t>(i);
  }
  // The model's rules are a few hundred literals at most; past 65,535 a rule would be lost.
  if (rules_.size() > 0xFFFF) return 0;
  rules_.push_back(rule);
  return last_rule_ = static_cast<std::uint16_t>(rules_.size() - 1);
}

void prediction_column::set(std::uint32_t node, const prediction& p) {
  sizes_[node] = p.size;
  status_[node] = static_cast<std::uint8_t>(p.status);
  rule_[node] = rule_index(p.rule);
}

const prediction* sparse_predictions::find(std::uint32_t node) const {
  auto is = [node](const std::pair<std::uint32_t, prediction>& e) { return e.first == node; };
  if (!sorted_) {
    auto it = std::find_if(entries_.begin(), entries_.end(), is);
    return it == entries_.end() ? nullptr : &it->second;
  }
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), node,
                       [](const std::pair<std::uint32_t, prediction>& e, std::uint32_t n) { return e.first < n; });
  return it != entries_.end() && it->first == node ? &it->second : nullptr;
}

void sparse_predictions::set(std::uint32_t node, const prediction& p) {
  if (!entries_.empty() && entries_.back().first >= node) sorted_ = false;
  entries_.emplace_back(node, p);
}

void sparse_predictions::finish() {
  if (sorted_) return;
  std::stable_sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Of a node set twice, the later prediction stays.
  std::vector<std::pair<std::uint32_t, prediction>> kept;
  kept.reserve(entries_.size());
  for (const auto& e : entries_) {
    if (!kept.empty() && kept.back().first == e.first)
      kept.back() = e;
    else
      kept.push_back(e);
  }
  entries_ = std::move(kept);
  sorted_ = true;
}

small_int_range small_ints(cpython_target target) {
  const layout_params* p = find_params(target);
  return {-5, p ? p->small_int_high : 256};
}

bool measured_platform(cpython_target target) {
  const layout_params* p = find_params(target);
  return p && p->measured;
}

namespace {

using detail::dict_keys_size;
using detail::gc;

// [SECTION] Lists: each way of building one, per version (Objects/listobject.c)

// list_resize taking a list of `size` items and `allocated` slots to `newsize` items.
std::uint64_t resized(const layout_params& p, std::uint64_t allocated, std::uint64_t size, std::uint64_t newsize) {
  if (allocated >= newsize && newsize >= (allocated >> 1)) return allocated;
  if (newsize == 0) return 0;
  if (p.growth == detail::list_growth::py38) return newsize + (newsize >> 3) + (newsize < 9 ? 3 : 6);
  std::uint64_t grown = (newsize + (newsize >> 3) + 6) & ~std::uint64_t{3};
  if (newsize > size && newsize - size > grown - newsize) grown = (newsize + 3) & ~std::uint64_t{3};
  return grown;
}

// Appends from `size` items in `allocated` slots up to n items: the slots it ends with.
std::uint64_t appended_from(const layout_params& p, std::uint64_t allocated, std::uint64_t size, std::uint64_t n) {
  while (size < n) {
    if (allocated > size) {
      size = std::min(allocated, n);
      continue;
    }
    allocated = resized(p, allocated, size, size + 1);
    ++size;
  }
  return allocated;
}

std::uint64_t appended(const layout_params& p, std::uint64_t n) { return appended_from(p, 0, 0, n); }

constexpr std::uint64_t even(std::uint64_t n) { return (n + 1) & ~std::uint64_t{1}; }

// list_extend of an empty list by an iterator whose length hint is `hint` and which yields
// n items: room for the hint first, appends past it, then a cut back if far too big.
std::uint64_t filled(const layout_params& p, std::uint64_t hint, std::uint64_t n) {
  std::uint64_t allocated = 0;
  if (hint > 0) allocated = p.extend == detail::list_extend::hint_even ? even(hint) : resized(p, 0, 0, hint);
  allocated = appended_from(p, allocated, 0, n);
  return n < allocated ? resized(p, allocated, n, n) : allocated;
}

std::uint64_t sized(const layout_params& p, std::uint64_t n) {
  return p.prealloc == detail::list_prealloc::even ? even(n) : n;
}

// The slots a list of n items has on `p` when built by `how`; `measured` is its capacity on
// the source (split keeps it on versions that size by the string's length). nullopt when the
// way cannot give n items that capacity (split on 3.12+ needs the source's own number).
std::optional<std::uint64_t> capacity_of(const layout_params& p, list_construction how, std::uint64_t n) {
  using detail::literal_build;
  switch (how) {
    case list_construction::appends: return appended(p, n);
    case list_construction::exact: return n;
    case list_construction::from_iterable: return sized(p, n);
    case list_construction::literal:
      if (n < 3) return n;
      if (p.literal_appends_above != 0 && n > p.literal_appends_above) return appended(p, n);
      if (p.literal == literal_build::build_list) return n;
      if (p.literal == literal_build::list_resize) return resized(p, 0, 0, n);
      return even(n);
    case list_construction::iterated: return filled(p, n, n);
    case list_construction::unsized: return filled(p, 8, n);  // PyObject_LengthHint's default
    case list_construction::from_set:
      return p.from_set == detail::list_from_set::set_resize ? resized(p, 0, 0, n) : sized(p, n);
    case list_construction::display:
      return p.display_appends_above != 0 && n > p.display_appends_above ? appended(p, n) : n;
    case list_construction::repeated: return n <= 1 ? n : resized(p, 1, 1, n);
    case list_construction::split:
      if (n > 12) return appended_from(p, 12, 12, n);  // MAX_PREALLOC, then appends
      if (p.split == detail::split_prealloc::twelve) return 12;
      return std::nullopt;
    case list_construction::inferred:
    case list_construction::kept: break;
  }
  return std::nullopt;
}

// Whether `how` leaves n items in `capacity` slots on the source `p`.
bool fits(const layout_params& p, list_construction how, std::uint64_t n, std::uint64_t capacity) {
  if (how == list_construction::split && n <= 12 && p.split == detail::split_prealloc::by_length) {
    // len // 2 + 2 slots, at most 12; a string of n words has at least 2n - 1 characters.
    return capacity <= 12 && capacity >= std::min<std::uint64_t>(12, std::max<std::uint64_t>(n + 1, 2));
  }
  const std::optional<std::uint64_t> c = capacity_of(p, how, n);
  return c && *c == capacity;
}

std::uint64_t capacity_on(const layout_params& p, list_construction how, std::uint64_t n,
                          std::uint64_t source_capacity) {
  return capacity_of(p, how, n).value_or(source_capacity);
}

std::uint64_t array_itemsize(const layout_params& p, char typecode, std::uint64_t measured_itemsize) {
  switch (typecode) {
    case 'l':
    case 'L': return p.target.pointer_size;  // C long: 8 on LP64 Linux, 4 on wasm32
    default: return measured_itemsize;
  }
}

std::uint64_t instance_size(const layout_params& p, std::uint64_t shape) {
  const std::uint64_t P = p.target.pointer_size;
  const std::uint64_t slots = shape_facts::instance_slots.of(shape);
  const bool dict = shape_facts::instance_has_dict.of(shape), weak = shape_facts::instance_has_weakref.of(shape);
  std::uint64_t size = 2 * P + slots * P + gc(p);
  switch (p.instances) {
    case detail::instance_layout::inline_pointers: return size + (dict ? P : 0) + (weak ? P : 0);
    case detail::instance_layout::managed_dict: return size + (weak ? P : 0) + (dict ? 2 * P : 0);
    case detail::instance_layout::managed_both: return size + (dict || weak ? 2 * P : 0);
  }
  return size;
}

constexpr std::uint64_t memoryview_base(std::uint64_t P) { return P == 8 ? 144 : 76; }

struct facts {
  const object_graph& g;
  std::uint32_t node;
  std::uint64_t measured;
  std::uint64_t shape;
  std::uint64_t length() const { return g.length[node]; }
};

prediction exact(std::uint64_t size, std::string_view rule = {}) { return {prediction_status::exact, size, rule}; }
prediction assumed(std::uint64_t size, std::string_view rule) { return {prediction_status::assumed, size, rule}; }
prediction not_modelled(std::string_view why) { return {prediction_status::not_modelled, 0, why}; }

constexpr std::string_view mismatch = "the measured size does not fit the model (a custom __sizeof__?)";

// Recomputes a size that depends only on the family and fixed facts, after checking the
// formula reproduces the source's measurement.
template <typename F>
prediction fixed(const facts& f, const layout_params& src, const layout_params& dst, F&& size_on) {
  if (size_on(src) != f.measured) return not_modelled(mismatch);
  return exact(size_on(dst));
}

prediction predict_int(const facts& f, const layout_params& src, const layout_params& dst) {
  const std::uint64_t bits = shape_facts::int_bit_length.of(f.shape);
  const std::uint64_t digits = (bits + 29) / 30;
  return fixed(f, src, dst, [&](const layout_params& p) {
    return 3 * std::uint64_t{p.target.pointer_size} + 4 * std::max<std::uint64_t>(p.int_min_digits, digits);
  });
}

prediction predict_str(const facts& f, const layout_params& src, const layout_params& dst) {
  static constexpr std::uint64_t char_size[] = {1, 1, 2, 4};  // by shape_str_kind
  const std::uint64_t kind = shape_facts::str_kind.of(f.shape);
  const std::uint64_t n = f.length();
  auto base = [&](const layout_params& p) {
    return (kind == shape_str_kind::ascii ? p.ascii_base : p.compact_base) + (n + 1) * char_size[kind];
  };
  if (f.measured < base(src)) return not_modelled(mismatch);
  const std::uint64_t extra = f.measured - base(src);
  if (kind == shape_str_kind::latin1 && n == 1) {
    // chr(128)..chr(255) are interpreter singletons; 3.12+ give them their UTF-8 form (2
    // bytes and a NUL) from the start.
    if (extra != (src.latin1_singletons_utf8 ? 3u : 0u)) return not_modelled(mismatch);
    return exact(base(dst) + (dst.latin1_singletons_utf8 ? 3 : 0));
  }
  if (extra == 0) return exact(base(dst));
  return assumed(base(dst) + extra, "its cached UTF-8 form kept, as on the source");
}

// The ways of building a list, most common first, with the rule each names.
constexpr std::pair<list_construction, std::string_view> list_ways[] = {
    {list_construction::appends, "grew by appends: this version's growth"},
    {list_construction::exact, "exactly as many slots as items"},
    {list_construction::from_iterable, "built from a sized iterable: this version's preallocation"},
    {list_construction::literal, "a display of constants: this version's bytecode"},
    {list_construction::display, "a display: this version's bytecode"},
    {list_construction::iterated, "built from an iterator: this version's length-hint sizing"},
    {list_construction::unsized, "built from an iterator without a length: this version's default room"},
    {list_construction::from_set, "built from a set or dict: this version's sizing"},
    {list_construction::split, "made by str.split: this version's preallocation"},
    {list_construction::repeated, "made by *=: this version's resize"},
};

std::string_view list_rule(list_construction how) {
  for (const auto& [way, rule] : list_ways) {
    if (way == how) return rule;
  }
  return "capacity kept, as measured";
}

prediction predict_list(const facts& f, const layout_params& src, const layout_params& dst, list_construction how) {
  const std::uint64_t P = src.target.pointer_size;
  if (f.measured < 7 * P || (f.measured - 7 * P) % P != 0) return not_modelled(mismatch);
  const std::uint64_t capacity = (f.measured - 7 * P) / P;
  const std::uint64_t n = f.length();
  if (capacity < n) return not_modelled(mismatch);
  auto size = [&](std::uint64_t cap) { return list_getsizeof(dst.target, cap); };
  if (how == list_construction::kept) return exact(size(capacity), "capacity kept, as measured");
  if (how != list_construction::inferred && fits(src, how, n, capacity)) {
    return exact(size(capacity_on(dst, how, n, capacity)), list_rule(how));
  }
  // The capacity is all there is to go on (or the hint does not fit it). Every way that
  // leaves it on the source is a candidate, and so is a history the list of ways does not
  // name (pops, deletes, mixed operations), which keeps the capacity where the target
  // grows and shrinks lists by the source's rule. Exact only if all of them agree.
  if (n == 0 && capacity == 0) return exact(size(0), "empty, with no item array");
  const std::pair<list_construction, std::string_view>* chosen = nullptr;
  // Histories the list of ways does not name keep the capacity only where every list
  // operation follows the source's rules (3.8 grows otherwise, 3.9 extends otherwise).
  bool agree = src.growth == dst.growth && src.prealloc == dst.prealloc && src.extend == dst.extend;
  for (const auto& way : list_ways) {
    if (!fits(src, way.first, n, capacity)) continue;
    if (!chosen) chosen = &way;
    if (capacity_on(dst, way.first, n, capacity) != capacity) agree = false;
  }
  if (!chosen) return assumed(size(capacity), "capacity kept, as measured (no named way of building it fits)");
  const std::uint64_t predicted = size(capacity_on(dst, chosen->first, n, capacity));
  return agree ? exact(predicted, chosen->second) : assumed(predicted, chosen->second);
}

// [SECTION] Dicts (Objects/dictobject.c)

// log2 of the table calculate_log2_keysize gives for `minsize` entries.
unsigned dict_log2_for(const layout_params& p, std::uint64_t minsize) {
  if (p.dict_sizing == detail::dict_log2::rounded)
    return static_cast<unsigned>(std::bit_width(((minsize | 8) - 1) | 7));
  unsigned log2 = 3;
  while (log2 < 62 && (std::uint64_t{1} << log2) < minsize) ++log2;
  return log2;
}

// log2 of the table n insertions into an empty dict end with: each resize when the usable
// entries run out asks for three times as many (GROWTH_RATE).
unsigned grown_log2(const layout_params& p, std::uint64_t n) {
  unsigned log2 = 3;
  // Bounded: a length read from a hostile snapshot may be near 2^64.
  while (log2 < 60 && n > (std::uint64_t{1} << log2) * 2 / 3) {
    log2 = std::max(log2 + 1, dict_log2_for(p, 3 * ((std::uint64_t{1} << log2) * 2 / 3)));
  }
  return log2;
}

// The table dict.fromkeys(a dict or set of n) asks for: estimate_log2_keysize.
unsigned presized_log2(const layout_params& p, std::uint64_t n) { return dict_log2_for(p, (3 * n + 1) / 2); }

// Whether the dict's first key (in insertion order) is a str and another one is not: its
// table began with (key, value) entries and was rebuilt for the general ones, through
// insertion_resize with room for three times the entries it had (3.11+).
std::optional<bool> rebuilt_for_other_keys(const facts& f) {
  const object_graph& g = f.g;
  bool first = true, first_str = false, other = false;
  for (std::uint32_t e = g.first_edge(f.node); e < g.end_edge(f.node); ++e) {
    if (g.edge_kinds[e] != edge_kind::dict_key) continue;
    const bool is_str = family_of(g.shape[g.edge_target[e]]) == shape_family::str;
    if (first)
      first_str = is_str, first = false;
    else if (!is_str)
      other = true;
  }
  if (first) return std::nullopt;
  return first_str && other;
}

prediction predict_dict(const facts& f, const layout_params& src, const layout_params& dst, dict_construction how) {
  const std::uint64_t empty_src = src.dict_base + gc(src);
  const std::uint64_t empty_dst = dst.dict_base + gc(dst);
  const bool flagged = shape_facts::dict_str_keys.of(f.shape);
  const std::uint64_t n = f.length();
  if (f.measured == empty_src) {
    // dict() and dict.fromkeys() start 3.8's and 3.9's dicts with an 8-slot table.
    const std::uint64_t called = empty_dst + dict_keys_size(dst, 3, true);
    if (!dst.dict_call_table || how == dict_construction::grown) return exact(empty_dst, "no table of its own (empty)");
    if (how == dict_construction::called) return exact(called, "dict() made it: an 8-slot table, empty");
    return assumed(empty_dst, "no table of its own (empty), as {} makes it (dict() would give it a table)");
  }
  // The key kind the probe saw first; a table that once held other keys keeps the
  // general entries, so the other kind is tried when the size says so.
  for (bool unicode : {flagged, !flagged}) {
    for (unsigned log2 = 3; log2 < 40; ++log2) {
      const std::uint64_t size = empty_src + dict_keys_size(src, log2, unicode);
      if (size > f.measured) break;
      if (size != f.measured) continue;
      auto on_dst = [&](unsigned l) { return empty_dst + dict_keys_size(dst, l, unicode); };
      // Ways whose table differs between versions: sized once for all its keys
      // (fromkeys), and rebuilt when a key other than a str came after str keys.
      const bool could_be_presized = presized_log2(src, n) == log2;
      const unsigned presized = presized_log2(dst, n);
      if (how == dict_construction::presized && could_be_presized) {
        return exact(on_dst(presized), "sized once for all its keys: this version's table sizing");
      }
      if (!unicode && log2 == 3 && n >= 2 && dst.dict_unicode_entries && src.dict_unicode_entries) {
        const unsigned rebuilt = dict_log2_for(dst, 3);  // room for 3 x the one str key
        if (rebuilt != log2) {
          const std::optional<bool> r = rebuilt_for_other_keys(f);
          if (!r) return assumed(on_dst(log2), "the same hash table size kept (its keys were not captured)");
          if (*r) return exact(on_dst(rebuilt), "str keys first, then others: this version rebuilds a bigger table");
        }
      }
      if (how == dict_construction::grown || how == dict_construction::called || !could_be_presized ||
          presized == log2) {
        return exact(on_dst(log2), "the same hash table size kept");
      }
      return assumed(on_dst(log2), "the same hash table size kept (sized once for its keys, it would differ here)");
    }
  }
  // A key-sharing instance dict: a values array of `cap` pointers, keys owned by the class.
  const std::uint64_t P = src.target.pointer_size;
  if (src.dict_unicode_entries && dst.dict_unicode_entries && (f.measured - empty_src) % P == 0) {
    return assumed(empty_dst + (f.measured - empty_src) / P * dst.target.pointer_size,
                   "a key-sharing instance dict with the same capacity");
  }
  if (src.dict_unicode_entries && !dst.dict_unicode_entries && (f.measured - empty_src) % P == 0) {
    // 3.8-3.10 share keys tables grown by insertion: their values array has two thirds of
    // the table's slots (Objects/dictobject.c _PyDict_SizeOf: usable * sizeof(PyObject*)).
    const std::uint64_t usable = (std::uint64_t{1} << grown_log2(dst, n)) * 2 / 3;
    return assumed(empty_dst + usable * dst.target.pointer_size,
                   "a key-sharing instance dict: this version's shared keys for its attributes");
  }
  return not_modelled(mismatch);
}

// [SECTION] Sets (Objects/setobject.c)

// The table slots set_add_entry one item at a time leaves for n items.
std::uint64_t set_added(std::uint64_t n) {
  // Adding one at a time, the table's fill is the item count: it resizes at the first count
  // that fills three fifths of it, so the walk goes from resize to resize (a length read
  // from a hostile snapshot costs a few dozen steps, never a loop over it).
  std::uint64_t slots = 8;
  while (slots < (std::uint64_t{1} << 60)) {
    const std::uint64_t used = ((slots - 1) * 3 + 4) / 5;
    if (used > n) break;
    const std::uint64_t minused = used > 50000 ? used * 2 : used * 4;
    slots = 8;
    while (slots <= minused) slots <<= 1;
  }
  return slots;
}

// set_merge of n items into an empty set: one resize for all of them.
std::uint64_t set_merged(std::uint64_t n) {
  if (n * 5 < 7 * 3) return 8;
  std::uint64_t slots = 8;
  while (slots <= 2 * n && slots < (std::uint64_t{1} << 62)) slots <<= 1;
  return slots;
}

prediction predict_set(const facts& f, const layout_params& src, const layout_params& dst, set_construction how) {
  const std::uint64_t small_src = 27u * src.target.pointer_size;  // 25 words + GC
  const std::uint64_t entry_src = 2u * src.target.pointer_size;
  const std::uint64_t P = dst.target.pointer_size;
  if (f.measured < small_src || (f.measured - small_src) % entry_src != 0) return not_modelled(mismatch);
  const std::uint64_t external = (f.measured - small_src) / entry_src;  // 0: the inline table of 8
  const std::uint64_t slots = external == 0 ? 8 : external;
  auto size = [&](std::uint64_t s) { return 27 * P + (s == 8 ? 0 : s) * 2 * P; };
  const std::uint64_t n = f.length();
  // A display of constants: one merge of a constant frozenset (3.9+), but adds where the
  // compiler emits BUILD_SET n (3.8) or one SET_ADD per item (more than 30 items, 3.14).
  auto literal = [&](const layout_params& p) {
    const bool adds = p.set_display_adds || (p.literal_appends_above != 0 && n > p.literal_appends_above);
    return adds ? set_added(n) : set_merged(n);
  };
  if (how == set_construction::literal && literal(src) == slots) {
    return exact(size(literal(dst)), "a display of constants: this version's bytecode");
  }
  const bool named = (how == set_construction::added && set_added(n) == slots) ||
                     (how == set_construction::merged && set_merged(n) == slots);
  if (!named && literal(src) == slots && literal(dst) != slots) {
    return assumed(size(slots), "the same table kept (a display of constants would have another here)");
  }
  return exact(size(slots), "the same table kept");
}

// The values a generator's frame holds on the source: its bound locals and, once started,
// what its stack keeps across a yield.
std::uint64_t frame_values(const facts& f) {
  std::uint64_t n = 0;
  for (std::uint32_t e = f.g.first_edge(f.node); e < f.g.end_edge(f.node); ++e) {
    n += f.g.edge_kinds[e] == edge_kind::frame_local;
  }
  return n;
}

prediction predict_generator(const facts& f, const layout_params& src, const layout_params& dst, bool coroutine) {
  auto base = [&](const layout_params& p) { return coroutine ? p.coroutine_base : p.generator_base; };
  if (!dst.frame_in_generator) return exact(base(dst), "the frame is a separate object here");
  if (!src.frame_in_generator) return not_modelled("the source's generators do not show their frame size");
  const std::uint64_t P = src.target.pointer_size;
  const std::uint64_t fixed_src = base(src) + gc(src);
  if (f.measured < fixed_src || (f.measured - fixed_src) % P != 0) return not_modelled(mismatch);
  std::uint64_t slots = (f.measured - fixed_src) / P;  // locals, cells and the stack
  auto size = [&](std::uint64_t s) { return base(dst) + gc(dst) + s * dst.target.pointer_size; };
  if (dst.target.minor == src.target.minor) return exact(size(slots));
  if (src.generator_handler == dst.generator_handler) {
    return assumed(size(slots), "the same frame slots as on the source (compiled alike)");
  }
  // 3.12+ keep two stack slots for the StopIteration handler around the body; 3.11 keeps
  // what the body needs. A coroutine's return or await needs one less there (measured); so
  // does a generator whose body only yields a name or a constant, which is what an
  // unstarted one with at most one value and two slots to spare looks like.
  const std::uint64_t values = frame_values(f);
  const std::uint64_t spare = slots >= values ? slots - values : 0;
  const bool to_handler = dst.generator_handler;
  if (coroutine) {
    slots = to_handler ? slots + 1 : (slots > 0 ? slots - 1 : 0);
    return assumed(size(slots), to_handler ? "3.12+ give a coroutine's frame one stack slot more than 3.11"
                                           : "3.11 gives a coroutine's frame one stack slot less than 3.12+");
  }
  if (values <= 1 && spare == (to_handler ? 1u : 2u)) {
    slots = to_handler ? slots + 1 : slots - 1;
    return assumed(size(slots), to_handler ? "a body that only yields a name or a constant: 3.12+ add a stack slot"
                                           : "a body that only yields a name or a constant: 3.11 needs one stack "
                                             "slot less");
  }
  return assumed(size(slots), "the same frame slots as on the source (its body needs two or more stack slots)");
}

// [SECTION] Instance dicts on 3.8-3.10 (Objects/dictobject.c _PyObjectDict_SetItem,
// make_keys_shared, _PyDict_SizeOf)

// The class an instance's type edge names (the type's node), or its type name where the
// capture holds no type edge; distinct from every node index.
std::uint64_t class_of(const object_graph& g, std::uint32_t node) {
  for (std::uint32_t e = g.first_edge(node); e < g.end_edge(node); ++e) {
    if (g.edge_kinds[e] == edge_kind::type) return g.edge_target[e];
  }
  return (std::uint64_t{1} << 32) | g.type[node];
}

}  // namespace

instance_dict_predictions predict_instance_dicts(const snapshot& snap, cpython_target target) {
  const object_graph& g = snap.graph;
  instance_dict_predictions out;
  const layout_params* dst = find_params(target);
  const std::optional<cpython_target> source = source_target(snap.platform);
  if (!dst || !source || target == *source) return out;
  const bool dict_object = dst->instances == detail::instance_layout::inline_pointers;
  std::uint32_t dict_label = no_string;
  for (std::uint32_t i = 0; i < snap.strings.size(); ++i) {
    if (snap.strings.at(i) == "__dict__") dict_label = i;
  }
  // Per class, the attribute names its instances hold and the most one instance holds: the
  // shared keys hold them all.
  struct class_keys {
    std::vector<std::uint32_t> names;
    std::uint64_t most = 0;
  };
  std::unordered_map<std::uint64_t, class_keys> classes;
  struct instance {
    std::uint32_t node, own_dict;  // own_dict: the source's __dict__ node, or no_node
  };
  std::vector<instance> instances;
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (family_of(g.shape[v]) != shape_family::instance || !shape_facts::instance_has_dict.of(g.shape[v])) continue;
    std::uint64_t values = 0;
    std::uint32_t own_dict = no_node, first = no_node;
    for (std::uint32_t e = g.first_edge(v); e < g.end_edge(v); ++e) {
      if (g.edge_kinds[e] == edge_kind::type) continue;
      ++values;
      if (first == no_node) first = e;
      if (g.edge_label[e] == dict_label && family_of(g.shape[g.edge_target[e]]) == shape_family::dict) {
        own_dict = g.edge_target[e];
      }
    }
    if (values == 1 && own_dict == no_node && g.edge_label[first] == no_string &&
        family_of(g.shape[g.edge_target[first]]) == shape_family::dict) {
      own_dict = g.edge_target[first];  // values that did not fit the class's keys: a real dict
    }
    if (own_dict != no_node) values = g.length[own_dict];
    if (values == 0) continue;
    instances.push_back({v, own_dict});
    class_keys& keys = classes[class_of(g, v)];
    keys.most = std::max(keys.most, values);
    const std::uint32_t holder = own_dict != no_node ? own_dict : v;
    for (std::uint32_t e = g.first_edge(holder); e < g.end_edge(holder); ++e) {
      const edge_kind k = g.edge_kinds[e];
      if ((k == edge_kind::attribute || k == edge_kind::dict_key) && g.edge_label[e] != no_string) {
        keys.names.push_back(g.edge_label[e]);
      }
    }
  }
  for (auto& [cls, keys] : classes) {
    std::sort(keys.names.begin(), keys.names.end());
    keys.names.erase(std::unique(keys.names.begin(), keys.names.end()), keys.names.end());
  }
  const std::uint64_t P = dst->target.pointer_size;
  constexpr std::string_view shared =
      "its __dict__, sharing the class's keys: every instance set its attributes in one order (as one __init__ does)";
  for (const instance& i : instances) {
    const class_keys& keys = classes[class_of(g, i.node)];
    // The first instance grows the class's keys by insertion while it alone uses them; every
    // instance's values array then has the keys' usable entries (USABLE_FRACTION).
    const std::uint64_t count = std::max<std::uint64_t>(keys.names.size(), keys.most);
    const std::uint64_t usable = (std::uint64_t{1} << grown_log2(*dst, count)) * 2 / 3;
    const prediction split = assumed(dst->dict_base + gc(*dst) + usable * P, shared);
    if (i.own_dict == no_node) {
      if (dict_object) out.added.set(i.node, split);
      continue;
    }
    if (dict_object) {
      out.replaced.set(i.own_dict, split);
      continue;
    }
    prediction kept = predict_getsizeof(snap, i.own_dict, target);
    if (kept.status == prediction_status::exact) {
      kept = assumed(kept.size,
                     "an instance's __dict__ as on the source: whether its values fit the class's keys depends on "
                     "the version and on the instances made before");
    }
    out.replaced.set(i.own_dict, kept);
  }
  out.added.finish();
  out.replaced.finish();
  return out;
}

std::optional<prediction_hints> parse_hint(std::string_view name) {
  static constexpr std::pair<std::string_view, list_construction> lists[] = {
      {"appends", list_construction::appends},
      {"exact", list_construction::exact},
      {"from_iterable", list_construction::from_iterable},
      {"literal", list_construction::literal},
      {"kept", list_construction::kept},
      {"iterated", list_construction::iterated},
      {"unsized", list_construction::unsized},
      {"from_set", list_construction::from_set},
      {"display", list_construction::display},
      {"repeated", list_construction::repeated},
      {"split", list_construction::split},
  };
  static constexpr std::pair<std::string_view, dict_construction> dicts[] = {
      {"dict_grown", dict_construction::grown},
      {"dict_called", dict_construction::called},
      {"dict_presized", dict_construction::presized},
  };
  static constexpr std::pair<std::string_view, set_construction> sets[] = {
      {"set_added", set_construction::added},
      {"set_merged", set_construction::merged},
      {"set_literal", set_construction::literal},
  };
  prediction_hints h;
  if (name == "inferred") return h;
  for (const auto& [n, v] : lists) {
    if (n == name) return h.list = v, h;
  }
  for (const auto& [n, v] : dicts) {
    if (n == name) return h.dict = v, h;
  }
  for (const auto& [n, v] : sets) {
    if (n == name) return h.set = v, h;
  }
  return std::nullopt;
}

std::uint64_t list_capacity(cpython_target target, list_construction how, std::uint64_t n) {
  const layout_params* p = find_params(target);
  return p ? capacity_of(*p, how, n).value_or(0) : 0;
}

std::uint64_t list_getsizeof(cpython_target target, std::uint64_t capacity) {
  return 7 * std::uint64_t{target.pointer_size} + capacity * target.pointer_size;
}

bool answers_from_own_columns(std::uint64_t shape) {
  switch (family_of(shape)) {
    case shape_family::int_:
    case shape_family::bool_:
    case shape_family::float_:
    case shape_family::complex_:
    case shape_family::str:
    case shape_family::bytes:
    case shape_family::bytearray:
    case shape_family::tuple:
    case shape_family::list:
    case shape_family::set:
    case shape_family::frozenset:
    case shape_family::range:
    case shape_family::slice:
    case shape_family::singleton:
    case shape_family::object:
    case shape_family::function:
    case shape_family::builtin_function:
    case shape_family::method:
    case shape_family::cell:
    case shape_family::array:
    case shape_family::memoryview: return true;
    case shape_family::instance: return !shape_facts::instance_has_dict.of(shape);
    case shape_family::dict:       // rebuilt_for_other_keys reads its keys
    case shape_family::generator:  // frame_values reads its frame's references
    case shape_family::coroutine:
    case shape_family::async_generator:  // not sized
    case shape_family::unknown: return false;
  }
  return false;
}

namespace {

prediction predict_on_row(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints);

}  // namespace

prediction predict_getsizeof(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints) {
  prediction p = predict_on_row(snap, node, target, hints);
  if (p.status == prediction_status::exact && !measured_platform(target)) {
    p = assumed(p.size, "from this version's sources: no interpreter of it was measured");
  }
  return p;
}

namespace {

prediction predict_on_row(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints) {
  const std::optional<cpython_target> source = source_target(snap.platform);
  if (!source) return not_modelled("the snapshot's platform is not modelled");
  const layout_params* src = find_params(*source);
  const layout_params* dst = find_params(target);
  if (!dst) return not_modelled("the target platform is not modelled");
  const object_graph& g = snap.graph;
  const facts f{g, node, g.shallow[node], g.shape[node]};
  if (target == *source) return {prediction_status::measured, f.measured, "measured here"};
  const std::uint64_t P = dst->target.pointer_size;
  auto constant = [&](auto size_on) { return fixed(f, *src, *dst, size_on); };
  switch (family_of(f.shape)) {
    case shape_family::int_:
    case shape_family::bool_: return predict_int(f, *src, *dst);
    case shape_family::float_: return constant([](const layout_params& p) { return 2u * p.target.pointer_size + 8; });
    case shape_family::complex_:
      return constant([](const layout_params& p) { return 2u * p.target.pointer_size + 16; });
    case shape_family::singleton:
    case shape_family::object: return constant([](const layout_params& p) { return 2u * p.target.pointer_size; });
    case shape_family::str: return predict_str(f, *src, *dst);
    case shape_family::bytes:
      return constant([&](const layout_params& p) { return 4u * p.target.pointer_size + 1 + f.length(); });
    case shape_family::bytearray: {
      const std::uint64_t base_src = 7u * src->target.pointer_size;
      if (f.measured < base_src) return not_modelled(mismatch);
      return exact(7 * P + (f.measured - base_src), "the same allocation kept");
    }
    case shape_family::tuple:
      return constant([&](const layout_params& p) { return p.tuple_base + (f.length() + 2) * p.target.pointer_size; });
    case shape_family::list: return predict_list(f, *src, *dst, hints.list);
    case shape_family::dict: return predict_dict(f, *src, *dst, hints.dict);
    case shape_family::set:
    case shape_family::frozenset: return predict_set(f, *src, *dst, hints.set);
    case shape_family::range: return constant([](const layout_params& p) { return 6u * p.target.pointer_size; });
    case shape_family::slice: return constant([](const layout_params& p) { return 7u * p.target.pointer_size; });
    case shape_family::function: return constant([](const layout_params& p) { return std::uint64_t{p.function_size}; });
    case shape_family::builtin_function:
      return constant([](const layout_params& p) { return 9u * p.target.pointer_size; });
    case shape_family::method: return constant([](const layout_params& p) { return 8u * p.target.pointer_size; });
    case shape_family::cell: return constant([](const layout_params& p) { return 5u * p.target.pointer_size; });
    case shape_family::memoryview: {
      const std::uint64_t ndim = shape_facts::memoryview_ndim.of(f.shape);
      return constant([&](const layout_params& p) {
        const std::uint64_t Pp = p.target.pointer_size;
        return memoryview_base(Pp) + 3 * ndim * Pp + 2 * Pp;
      });
    }
    case shape_family::array: {
      const std::uint64_t itemsize = shape_facts::array_item_size.of(f.shape);
      const char typecode = static_cast<char>(shape_facts::array_typecode.of(f.shape));
      auto base = [](const layout_params& p) { return p.array_base + (p.array_gc ? gc(p) : 0); };
      const std::uint64_t src_item = array_itemsize(*src, typecode, itemsize);
      if (src_item == 0 || f.measured < base(*src) || (f.measured - base(*src)) % src_item != 0) {
        return not_modelled(mismatch);
      }
      const std::uint64_t allocated = (f.measured - base(*src)) / src_item;
      return exact(base(*dst) + allocated * array_itemsize(*dst, typecode, itemsize));
    }
    case shape_family::instance: return constant([&](const layout_params& p) { return instance_size(p, f.shape); });
    case shape_family::generator: return predict_generator(f, *src, *dst, false);
    case shape_family::coroutine: return predict_generator(f, *src, *dst, true);
    case shape_family::async_generator:
    case shape_family::unknown: break;
  }
  return not_modelled("no formula for this type");
}

}  // namespace

}  // namespace bytewise
