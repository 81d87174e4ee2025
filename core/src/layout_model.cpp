// The layout model's walk: read an object's facts back from the size measured on the
// source platform (using the source's row of layout_tables.cpp), then compute
// sys.getsizeof for the target's row. Every formula is checked on the source first: if
// the measured size does not fit it (a class with its own __sizeof__, say), nothing is
// predicted.
#include <bytewise/layout_model.hpp>

#include "layout_tables.hpp"

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

small_int_range small_ints(cpython_target) { return {-5, 256}; }

namespace {

using detail::dict_keys_size;
using detail::gc;

// list_resize growing a list of `old` items to `size` (Objects/listobject.c).
std::uint64_t resized(const layout_params& p, std::uint64_t old, std::uint64_t size) {
  if (size == 0) return 0;
  if (p.growth == detail::list_growth::py38) return size + (size >> 3) + (size < 9 ? 3 : 6);
  std::uint64_t grown = (size + (size >> 3) + 6) & ~std::uint64_t{3};
  if (size - old > grown - size) grown = (size + 3) & ~std::uint64_t{3};
  return grown;
}

std::uint64_t appended(const layout_params& p, std::uint64_t n) {
  // Only the appends that overflow the capacity resize, so jump from resize to resize.
  std::uint64_t capacity = 0;
  while (capacity < n) capacity = resized(p, capacity, capacity + 1);
  return capacity;
}

std::uint64_t capacity_for(const layout_params& p, list_construction how, std::uint64_t n) {
  using detail::literal_build;
  switch (how) {
    case list_construction::appends: return appended(p, n);
    case list_construction::from_iterable:
      return p.prealloc == detail::list_prealloc::even ? (n + 1) & ~std::uint64_t{1} : n;
    case list_construction::literal:
      if (n < 3 || p.literal == literal_build::build_list) return n;
      if (p.literal == literal_build::list_resize) return resized(p, 0, n);
      return (n + 1) & ~std::uint64_t{1};
    default: return n;  // exact
  }
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

prediction predict_list(const facts& f, const layout_params& src, const layout_params& dst, list_construction how) {
  const std::uint64_t P = src.target.pointer_size;
  if (f.measured < 7 * P || (f.measured - 7 * P) % P != 0) return not_modelled(mismatch);
  const std::uint64_t capacity = (f.measured - 7 * P) / P;
  const std::uint64_t n = f.length();
  if (capacity < n) return not_modelled(mismatch);
  auto size = [&](std::uint64_t cap) { return list_getsizeof(dst.target, cap); };
  if (how == list_construction::inferred) {
    // The ways of building a list that leave this capacity on the source, in order of how
    // common they are. If they all agree on the target, the answer is exact; otherwise the
    // most common one is assumed, and said.
    static constexpr std::pair<list_construction, std::string_view> ways[] = {
        {list_construction::appends, "grew by appends: this version's growth"},
        {list_construction::exact, "exactly as many slots as items"},
        {list_construction::from_iterable, "built from an iterable: this version's preallocation"},
        {list_construction::literal, "a display of constants: this version's bytecode"},
    };
    const std::pair<list_construction, std::string_view>* chosen = nullptr;
    bool agree = true;
    for (const auto& way : ways) {
      if (capacity_for(src, way.first, n) != capacity) continue;
      if (!chosen) {
        chosen = &way;
      } else if (capacity_for(dst, way.first, n) != capacity_for(dst, chosen->first, n)) {
        agree = false;
      }
    }
    if (!chosen) return exact(size(capacity), "capacity kept, as measured");
    const std::uint64_t predicted = size(capacity_for(dst, chosen->first, n));
    return agree ? exact(predicted, chosen->second) : assumed(predicted, chosen->second);
  }
  if (how == list_construction::kept) return exact(size(capacity), "capacity kept, as measured");
  if (capacity != capacity_for(src, how, n))
    return not_modelled("the capacity does not fit how the list was said to be built");
  return exact(size(capacity_for(dst, how, n)));
}

prediction predict_dict(const facts& f, const layout_params& src, const layout_params& dst) {
  const std::uint64_t empty_src = src.dict_base + gc(src);
  const std::uint64_t empty_dst = dst.dict_base + gc(dst);
  if (f.measured == empty_src) return exact(empty_dst, "no table of its own (empty)");
  const bool flagged = shape_facts::dict_str_keys.of(f.shape);
  // The key kind the probe saw first; a table that once held other keys keeps the
  // general entries, so the other kind is tried when the size says so.
  for (bool unicode : {flagged, !flagged}) {
    for (unsigned log2 = 3; log2 < 40; ++log2) {
      const std::uint64_t size = empty_src + dict_keys_size(src, log2, unicode);
      if (size > f.measured) break;
      if (size == f.measured) {
        return assumed(empty_dst + dict_keys_size(dst, log2, unicode), "the same hash table size kept");
      }
    }
  }
  // A key-sharing instance dict: a values array of `cap` pointers, keys owned by the class.
  const std::uint64_t P = src.target.pointer_size;
  if (src.dict_unicode_entries && dst.dict_unicode_entries && (f.measured - empty_src) % P == 0) {
    return assumed(empty_dst + (f.measured - empty_src) / P * dst.target.pointer_size,
                   "a key-sharing instance dict with the same capacity");
  }
  return not_modelled(mismatch);
}

prediction predict_generator(const facts& f, const layout_params& src, const layout_params& dst, bool coroutine) {
  auto base = [&](const layout_params& p) { return coroutine ? p.coroutine_base : p.generator_base; };
  if (!dst.frame_in_generator) return exact(base(dst), "the frame is a separate object here");
  if (!src.frame_in_generator) return not_modelled("the source's generators do not show their frame size");
  const std::uint64_t P = src.target.pointer_size;
  const std::uint64_t fixed_src = base(src) + gc(src);
  if (f.measured < fixed_src || (f.measured - fixed_src) % P != 0) return not_modelled(mismatch);
  const std::uint64_t slots = (f.measured - fixed_src) / P;
  const std::uint64_t size = base(dst) + gc(dst) + slots * dst.target.pointer_size;
  if (dst.target.minor == src.target.minor) return exact(size);
  if ((dst.target.minor == 11) != (src.target.minor == 11)) {
    return not_modelled("3.11's compiler sizes generator frames differently from 3.12+");
  }
  return assumed(size, "the same frame slots as on the source (compiled alike)");
}

}  // namespace

std::uint64_t list_capacity(cpython_target target, list_construction how, std::uint64_t n) {
  const layout_params* p = find_params(target);
  return p ? capacity_for(*p, how, n) : 0;
}

std::uint64_t list_getsizeof(cpython_target target, std::uint64_t capacity) {
  return 7 * std::uint64_t{target.pointer_size} + capacity * target.pointer_size;
}

prediction predict_getsizeof(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints) {
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
    case shape_family::dict: return predict_dict(f, *src, *dst);
    case shape_family::set:
    case shape_family::frozenset: {
      const std::uint64_t small_src = 27u * src->target.pointer_size;  // 25 words + GC
      const std::uint64_t entry_src = 2u * src->target.pointer_size;
      if (f.measured < small_src || (f.measured - small_src) % entry_src != 0) return not_modelled(mismatch);
      return exact(27 * P + (f.measured - small_src) / entry_src * 2 * P);
    }
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

}  // namespace bytewise
