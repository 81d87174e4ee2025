// The allocation model (see bytewise/allocation.hpp): an object's sys.getsizeof on the
// target (the layout model) split into the blocks CPython allocates for it, then each
// block rounded the way the target's allocator rounds it.
#include <bytewise/allocation.hpp>

#include "layout_tables.hpp"

#include <algorithm>
#include <optional>

namespace bytewise {

using detail::find_params;
using detail::layout_params;

namespace {

constexpr std::uint64_t round_up(std::uint64_t n, std::uint64_t to) { return (n + to - 1) / to * to; }

// 64-bit CPython: pymalloc (Include/internal/pycore_obmalloc.h, 3.8 to 3.14: ALIGNMENT 16,
// SMALL_REQUEST_THRESHOLD 512; pools of 16 KiB and arenas of 1 MiB from 3.10, 4 KiB and
// 256 KiB before) over glibc malloc (malloc/malloc.c: SIZE_SZ 8, MALLOC_ALIGNMENT 16,
// MINSIZE 32, DEFAULT_MMAP_THRESHOLD 128 KiB). Pyodide: Emscripten's dlmalloc 2.8.6
// (system/lib/dlmalloc.c: MALLOC_ALIGNMENT 8, one 4-byte size word, 16-byte minimum chunk,
// no mmap). The reuse slack is the largest remainder that is not split off: less than
// MINSIZE (glibc) or MIN_CHUNK_SIZE (dlmalloc), in steps of the alignment.
// Both keep three flag bits in the size word (glibc: PREV_INUSE, IS_MMAPPED, NON_MAIN_ARENA;
// dlmalloc: PINUSE_BIT, CINUSE_BIT 2, FLAG4_BIT).
constexpr allocator_facts glibc_pymalloc(std::uint32_t pool, std::uint32_t arena) {
  return {"pymalloc + glibc malloc", 512, 16, pool, arena, 8, 16, 32, 16, 128 * 1024, 4096, 7, 0};
}
constexpr allocator_facts emscripten_dlmalloc{"dlmalloc (Emscripten)", 0, 0, 0, 0, 4, 8, 16, 8, 0, 65536, 7, 2};

}  // namespace

allocator_facts allocator_of(cpython_target t) {
  if (t.pointer_size == 4) return emscripten_dlmalloc;
  return t.minor >= 10 ? glibc_pymalloc(16 * 1024, 1024 * 1024) : glibc_pymalloc(4 * 1024, 256 * 1024);
}

reservation reserve(cpython_target t, std::uint64_t request) {
  const allocator_facts a = allocator_of(t);
  if (request >= 1 && request <= a.small_threshold) {
    return {round_up(request, a.small_alignment), prediction_status::exact, "pymalloc size class"};
  }
  // PyObject_Malloc(0) becomes malloc(1) (Objects/obmalloc.c _PyMem_RawMalloc).
  const std::uint64_t n = request == 0 && a.small_threshold != 0 ? 1 : request;
  const std::uint64_t chunk = std::max<std::uint64_t>(a.min_chunk, round_up(n + a.chunk_header, a.chunk_alignment));
  if (a.mmap_threshold != 0 && chunk >= a.mmap_threshold) {
    // sysmalloc maps the chunk plus its header word to whole pages, but only when the top
    // of the heap cannot serve it: usually, not always.
    return {round_up(chunk + a.chunk_header, a.page_size), prediction_status::assumed, "glibc mapping"};
  }
  return {chunk, prediction_status::exact, a.small_threshold != 0 ? "glibc chunk" : "dlmalloc chunk"};
}

std::string_view to_string(block_role r) {
  switch (r) {
    case block_role::object: return "object";
    case block_role::items: return "item array";
    case block_role::keys: return "keys table";
    case block_role::table: return "hash table";
    case block_role::buffer: return "buffer";
    case block_role::utf8: return "UTF-8 copy";
    case block_role::dict: return "__dict__";
    case block_role::values: return "__dict__ values";
  }
  return "block";
}

std::uint64_t allocation::requested() const {
  std::uint64_t sum = 0;
  for (std::uint8_t i = 0; i < count; ++i) sum += blocks[i].request;
  return sum;
}

std::uint64_t allocation::reserved() const {
  std::uint64_t sum = 0;
  for (std::uint8_t i = 0; i < count; ++i) sum += blocks[i].reserved;
  return sum;
}

namespace {

allocation refuse(std::string_view why) {
  allocation a;
  a.rule = why;
  return a;
}

allocation static_object(prediction_status status, std::string_view why) {
  allocation a;
  a.status = status;
  a.is_static = true;
  a.rule = why;
  return a;
}

prediction_status worse(prediction_status a, prediction_status b) {
  auto rank = [](prediction_status s) {
    switch (s) {
      case prediction_status::measured: return 0;
      case prediction_status::exact: return 1;
      case prediction_status::assumed: return 2;
      case prediction_status::not_modelled: return 3;
    }
    return 3;
  };
  return rank(a) >= rank(b) ? a : b;
}

// The interpreter's own objects: static data on every version for None, True, False,
// Ellipsis and NotImplemented; from 3.11 also the small ints, the empty tuple, b'' and
// the one-byte bytes, '' and the one-character Latin-1 strings
// (Include/internal/pycore_global_objects.h _Py_SINGLETON; measured with /proc/self/maps
// on 3.8-3.13 and against __heap_base under Pyodide: tests/fixtures/layouts/*.alloc.tsv).
// Before 3.11 the same objects are made on the heap at start-up or first use.
struct static_answer {
  bool is_static;
  prediction_status status;
  std::string_view why;
};

std::optional<static_answer> static_reason(const snapshot& snap, std::uint32_t node, cpython_target t) {
  const object_graph& g = snap.graph;
  const std::uint64_t shape = g.shape[node];
  const bool singletons_static = t.minor >= 11;
  // Where the capture knew the heap's start, the source says which objects are static. From
  // 3.11 the same objects are static on every version, save the interpreter's own names
  // (identifiers such as 'name' or 'append'), whose list changes a little per version.
  const std::optional<cpython_target> source = source_target(snap.platform);
  const bool wider_cache = family_of(shape) == shape_family::int_ && !shape_facts::int_negative.of(shape) &&
                           shape_facts::int_bit_length.of(shape) <= 10 && singletons_static && source &&
                           small_ints(t).high > small_ints(*source).high;
  if (snap.capture.static_known && source && source->minor >= 11 && singletons_static && !wider_cache) {
    const bool flagged = (g.flags[node] & node_flag::static_object) != 0;
    if (!flagged) return static_answer{false, prediction_status::exact, {}};
    const bool name =
        family_of(shape) == shape_family::str && (g.flags[node] & node_flag::interned) && g.length[node] > 1;
    if (name && t != *source) {
      return static_answer{true, prediction_status::assumed,
                           "one of the interpreter's static names on the source; other versions' "
                           "lists differ a little"};
    }
    return static_answer{true, prediction_status::exact, "in the interpreter's static data: no allocator block"};
  }
  auto yes = [](std::string_view why) { return static_answer{true, prediction_status::exact, why}; };
  const bool has_length = (g.flags[node] & node_flag::has_length) != 0;
  switch (family_of(shape)) {
    case shape_family::singleton:
    case shape_family::bool_: return yes("the interpreter's static object: no allocator block");
    case shape_family::int_: {
      // A snapshot without the live probe still knows 0..255 are cached.
      const bool negative = shape_facts::int_negative.of(shape);
      const std::uint64_t bits = shape_facts::int_bit_length.of(shape);
      const bool cached =
          (g.flags[node] & node_flag::small_int) || (!snap.capture.small_ints_probed && !negative && bits <= 8);
      // 3.15 caches up to 1024: 257..1023 (bit length 9 or 10) are its static objects too.
      if (singletons_static && !cached && !negative && bits <= 10 && small_ints(t).high >= 1023) {
        return yes("a cached small int on this version (up to 1024), static: no allocator block");
      }
      if (singletons_static && cached) {
        return yes("a cached small int, static in the interpreter: no allocator block");
      }
      break;
    }
    case shape_family::tuple:
      if (singletons_static && has_length && g.length[node] == 0)
        return yes("the static empty tuple: no allocator block");
      break;
    case shape_family::bytes:
      if (singletons_static && has_length && g.length[node] <= 1) {
        return yes("a static one-byte or empty bytes object: no allocator block");
      }
      break;
    case shape_family::str: {
      const std::uint64_t kind = shape_facts::str_kind.of(shape);
      const bool one_byte = kind == shape_str_kind::ascii || kind == shape_str_kind::latin1;
      if (singletons_static && has_length && (g.length[node] == 0 || (g.length[node] == 1 && one_byte))) {
        return yes("a static one-character or empty string: no allocator block");
      }
      break;
    }
    default: break;
  }
  return std::nullopt;
}

// The object's own block and what the rest of getsizeof is, for the families whose object
// block follows from the snapshot's facts alone (the rest, when any, is one side block).
struct object_split {
  std::uint64_t object;
  block_role side;
};

std::optional<object_split> split_of(const layout_params& p, std::uint64_t shape, std::uint64_t length,
                                     std::uint64_t G) {
  const std::uint64_t P = p.target.pointer_size;
  switch (family_of(shape)) {
    case shape_family::str: {
      static constexpr std::uint64_t char_size[] = {1, 1, 2, 4};  // by shape_str_kind
      const std::uint64_t kind = shape_facts::str_kind.of(shape);
      const std::uint64_t base =
          (kind == shape_str_kind::ascii ? p.ascii_base : p.compact_base) + (length + 1) * char_size[kind];
      return object_split{std::min(G, base), block_role::utf8};
    }
    case shape_family::bytearray: return object_split{7 * P, block_role::buffer};
    case shape_family::list: return object_split{7 * P, block_role::items};
    case shape_family::set:
    case shape_family::frozenset: return object_split{27 * P, block_role::table};
    case shape_family::array: return object_split{p.array_base + (p.array_gc ? detail::gc(p) : 0), block_role::buffer};
    case shape_family::dict: return object_split{p.dict_base + detail::gc(p), block_role::keys};
    case shape_family::instance:
      if (shape_facts::instance_has_dict.of(shape)) return std::nullopt;  // the values' storage depends on the class
      return object_split{G, block_role::object};
    case shape_family::generator:
    case shape_family::coroutine:
      if (!p.frame_in_generator) return std::nullopt;
      return object_split{G, block_role::object};
    case shape_family::float_:
    case shape_family::complex_:
    case shape_family::bytes:
    case shape_family::tuple:
    case shape_family::range:
    case shape_family::slice:
    case shape_family::object:
    case shape_family::function:
    case shape_family::builtin_function:
    case shape_family::method:
    case shape_family::cell: return object_split{G, block_role::object};
    default: return std::nullopt;  // int: a spare digit is common; memoryview; unknown types
  }
}

struct splitter {
  const layout_params& p;
  allocation out;

  void add(block_role role, std::uint64_t request) {
    const reservation r = reserve(p.target, request);
    out.blocks[out.count++] = {role, request, r.bytes};
    out.status = worse(out.status, r.status);
    if (r.status == prediction_status::assumed && out.rule.empty()) {
      out.rule = "glibc maps a chunk of 128 KiB or more to its own pages when the heap has no room";
    }
  }
  // An object block of `fixed` bytes and, when the rest of getsizeof is not empty, a side
  // block of the rest.
  void split(std::uint64_t size, std::uint64_t fixed, block_role side) {
    add(block_role::object, fixed);
    if (size > fixed) add(side, size - fixed);
  }
};

}  // namespace

std::optional<std::uint64_t> object_request(cpython_target t, std::uint64_t shape, std::uint64_t length,
                                            std::uint64_t getsizeof) {
  const layout_params* p = find_params(t);
  if (!p) return std::nullopt;
  const std::optional<object_split> split = split_of(*p, shape, length, getsizeof);
  if (!split) return std::nullopt;
  return split->object;
}

namespace {

allocation allocate_on_row(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints,
                           const prediction* instance_dict);

}  // namespace

allocation predict_allocation(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints,
                              const prediction* instance_dict) {
  allocation a = allocate_on_row(snap, node, target, hints, instance_dict);
  if (a.status == prediction_status::exact && !measured_platform(target)) {
    a.status = prediction_status::assumed;
    a.rule = "from this version's sources: no interpreter of it was measured";
  }
  return a;
}

namespace {

allocation allocate_on_row(const snapshot& snap, std::uint32_t node, cpython_target target, prediction_hints hints,
                           const prediction* instance_dict) {
  const layout_params* dst = find_params(target);
  if (!dst) return refuse("the target platform is not modelled");
  const prediction size = predict_getsizeof(snap, node, target, hints);
  if (size.status == prediction_status::not_modelled) return refuse(size.rule);
  const std::optional<static_answer> placed = static_reason(snap, node, target);
  if (placed && placed->is_static) return static_object(placed->status, placed->why);

  const object_graph& g = snap.graph;
  const std::uint64_t shape = g.shape[node];
  const std::uint64_t G = size.size;
  splitter s{*dst, {}};
  s.out.status = size.status == prediction_status::measured ? prediction_status::exact : size.status;
  s.out.rule = size.status == prediction_status::assumed ? size.rule : std::string_view{};

  switch (family_of(shape)) {
    case shape_family::int_:
      s.add(block_role::object, G);
      // long_from_string_base and the arithmetic routines size the result before they know
      // it, and never shrink it: one digit more than getsizeof counts is common.
      s.out.status = worse(s.out.status, prediction_status::assumed);
      s.out.rule = "digits as the value needs (parsing or arithmetic can leave one more)";
      return s.out;
    case shape_family::dict: {
      const std::uint64_t object = dst->dict_base + detail::gc(*dst);
      bool own_keys = G == object;  // empty: the shared static empty keys
      for (unsigned log2 = 3; !own_keys && log2 < 40; ++log2) {
        const std::uint64_t a = object + detail::dict_keys_size(*dst, log2, true);
        const std::uint64_t b = object + detail::dict_keys_size(*dst, log2, false);
        if (a == G || b == G) own_keys = true;
        if (a > G && b > G) break;
      }
      if (!own_keys) return refuse("a key-sharing instance dict: its values array depends on the class");
      break;
    }
    case shape_family::instance:
      if (shape_facts::instance_has_dict.of(shape)) {
        if (dst->instances != detail::instance_layout::inline_pointers) {
          return refuse("its attribute values live in storage sized by the class's history");
        }
        if (!instance_dict) return refuse("its __dict__ is a separate dict here, sized by the class's other instances");
        s.add(block_role::object, G);
        if (instance_dict->size != 0) {
          // The dict object (new_dict_with_shared_keys) and its values array
          // (new_values: PyMem_NEW(PyObject *, usable)); the shared keys are the class's.
          const std::uint64_t dict = dst->dict_base + detail::gc(*dst);
          s.add(block_role::dict, dict);
          s.add(block_role::values, instance_dict->size - dict);
          s.out.status = worse(s.out.status, instance_dict->status);
          if (instance_dict->status == prediction_status::assumed && s.out.rule.empty())
            s.out.rule = instance_dict->rule;
        }
        return s.out;
      }
      break;
    case shape_family::generator:
    case shape_family::coroutine:
      if (!dst->frame_in_generator) return refuse("its frame is a separate object here");
      break;
    case shape_family::memoryview: return refuse("it shares a managed buffer object the snapshot does not show");
    default: break;
  }
  const std::optional<object_split> split = split_of(*dst, shape, g.length[node], G);
  if (!split) return refuse("no allocation rule for this type");
  s.split(G, split->object, split->side);
  if (family_of(shape) == shape_family::str && (g.flags[node] & node_flag::interned) && target.minor >= 11 && !placed) {
    s.out.status = worse(s.out.status, prediction_status::assumed);
    s.out.rule = "an interned string may be the interpreter's own static copy";
  }
  return s.out;
}

}  // namespace

}  // namespace bytewise
