// The layout model's data: one row per platform. Sources are CPython release trees
// (v3.8-v3.14 Include/ and Objects/, cited per column below) and, for every row but
// 64-bit 3.14 and 3.15, sys.getsizeof measured on a real interpreter
// (tests/fixtures/layouts). The 64-bit 3.14 row is derived from v3.14 sources and agrees
// with wasm32 3.14 measurements. The 64-bit 3.15 row comes from 3.15's sources alone (no
// 3.15 interpreter runs here, so `measured` is false and every prediction for it is
// assumed): its small ints are -5..1024 (Include/internal/pycore_runtime_structs.h:
// _PY_NSMALLPOSINTS 1025, _PY_NSMALLNEGINTS 5; 3.14 has 257); its other columns are
// 3.14's.
//
// Columns:
//   ascii_base, compact_base  Include/cpython/unicodeobject.h: PyASCIIObject and
//                             PyCompactUnicodeObject; 3.12 removed wstr (PEP 623): 48->40,
//                             72->56 on 64-bit.
//   latin1_singletons_utf8    3.12+ create the chr(128..255) singletons with their UTF-8
//                             form cached (Objects/unicodeobject.c); 3.11 does not.
//   int_min_digits            Objects/longobject.c long__sizeof__: before 3.11 zero has no
//                             digit; 3.11 counts at least one (gh-100637, 3.11.2+).
//   tuple_base                Include/cpython/tupleobject.h: 3.14 adds Py_hash_t ob_hash.
//   dict_*                    Include/internal/pycore_dict.h: PyDictKeysObject; 3.8-3.10
//                             have dk_size and dk_lookup and 3-word entries for every table;
//                             3.11+ use (key, value) entries when all keys are str. On wasm32
//                             PyDictObject is 32 bytes (its uint64_t version tag aligns to 8).
//   array_*                   Modules/arraymodule.c: array.array is GC-tracked since 3.10.
//   function_size             Include/cpython/funcobject.h: +func_qualname... 3.10 adds
//                             func_builtins, 3.11 func_version, 3.12 func_typeparams, 3.14
//                             func_annotate.
//   generator_base            Include/cpython/genobject.h, Include/internal/pycore_frame.h:
//                             before 3.11 the frame is a separate object and getsizeof(gen)
//                             is constant; from 3.11 the frame is inline and this is the
//                             fixed part before its slots (3.12 drops gi_code; 3.14's
//                             frame grows by 8 on 64-bit only).
//   growth, prealloc, literal Objects/listobject.c list_resize, list_preallocate_exact;
//                             Python/compile.c for constant displays.
//   instances                 Include/internal/pycore_object.h _PyType_PreHeaderSize:
//                             3.11 manages the dict, 3.12 also the weakref list.
//   handler                   Python/compile.c wrap_in_stopiteration_handler (3.12+): a
//                             generator's or coroutine's body runs under a SETUP_CLEANUP whose
//                             handler is entered with the exception and lasti on the stack, so
//                             its frame has at least two stack slots; 3.11 has no such handler
//                             (measured: `def g(): yield 1` has 1 slot on 3.11, 2 on 3.12+).
//   ints                      the largest cached small int (-_PY_NSMALLNEGINTS .. _PY_NSMALLPOSINTS
//                             - 1): Include/internal/pycore_global_objects.h (3.8-3.13),
//                             pycore_runtime_structs.h (3.14+).
//   measured                  an interpreter of this row was measured (tests/fixtures/layouts,
//                             or for 64-bit 3.14 a source build's confirmations); false: every
//                             prediction for it is assumed.
//   extend .. set_display     how lists, dicts and sets get their first table, per way of
//                             building them (Objects/listobject.c list_extend,
//                             Objects/stringlib/split.h, Python/compile.c starunpack_helper,
//                             Objects/dictobject.c calculate_log2_keysize and dict_new,
//                             Objects/setobject.c set_merge), each measured on every row's
//                             interpreter by the construction series of tools/layouts/corpus.py.
#include "layout_tables.hpp"

#include <array>

namespace bytewise::detail {
namespace {

using enum list_growth;
using enum list_prealloc;
using enum literal_build;
using enum instance_layout;
using enum list_extend;
using enum list_from_set;
using enum split_prealloc;
using enum dict_log2;

// One platform per line, aligned as a table.
// clang-format off
constexpr std::array<layout_params, 12> rows{{
    // target   ascii compact utf8   0dig tuple dict keys uni    array gc     func frame  gen  coro growth prealloc literal      instances        extend       from_set    disp lit split      dict_log2 call   set_adds handler ints  measured
    {{8, 8},  48,   72,     false, 0,   24,   48,  40,  false, 64,   false, 136, false, 112, 120, py38,  exact,   build_list,  inline_pointers, hint_resize, like_sized, 0,   0,  twelve,    loop,     true,  true, false, 256,  true},
    {{9, 8},  48,   72,     false, 0,   24,   48,  40,  false, 64,   false, 136, false, 112, 120, py39,  exact,   list_resize, inline_pointers, hint_resize, like_sized, 0,   0,  twelve,    loop,     true,  false, false, 256,  true},
    {{10, 8}, 48,   72,     false, 0,   24,   48,  40,  false, 64,   true,  144, false, 104, 112, py39,  even,    preallocate, inline_pointers, hint_even,   like_sized, 30,  0,  twelve,    rounded,  false, false, false, 256,  true},
    {{11, 8}, 48,   72,     false, 1,   24,   48,  32,  true,  64,   true,  152, true,  152, 152, py39,  even,    preallocate, managed_dict,    hint_even,   like_sized, 30,  0,  twelve,    rounded,  false, false, false, 256,  true},
    {{12, 8}, 40,   56,     true,  1,   24,   48,  32,  true,  64,   true,  160, true,  144, 144, py39,  even,    preallocate, managed_both,    hint_even,   like_sized, 30,  0,  by_length, rounded,  false, false, true, 256,  true},
    {{13, 8}, 40,   56,     true,  1,   24,   48,  32,  true,  64,   true,  160, true,  144, 144, py39,  even,    preallocate, managed_both,    hint_even,   set_resize, 30,  0,  by_length, rounded,  false, false, true, 256,  true},
    {{14, 8}, 40,   56,     true,  1,   32,   48,  32,  true,  64,   true,  168, true,  152, 152, py39,  even,    preallocate, managed_both,    hint_even,   set_resize, 30,  30, by_length, loop,     false, false, true, 256,  true},
    {{15, 8}, 40,   56,     true,  1,   32,   48,  32,  true,  64,   true,  168, true,  152, 152, py39,  even,    preallocate, managed_both,    hint_even,   set_resize, 30,  30, by_length, loop,     false, false, true, 1024, false},
    {{11, 4}, 24,   36,     false, 1,   12,   32,  20,  true,  32,   true,  76,  true,  80,  80,  py39,  even,    preallocate, managed_dict,    hint_even,   like_sized, 30,  0,  twelve,    rounded,  false, false, false, 256,  true},
    {{12, 4}, 20,   28,     true,  1,   12,   32,  20,  true,  32,   true,  80,  true,  76,  76,  py39,  even,    preallocate, managed_both,    hint_even,   like_sized, 30,  0,  by_length, rounded,  false, false, true, 256,  true},
    {{13, 4}, 20,   28,     true,  1,   12,   32,  20,  true,  32,   true,  80,  true,  76,  76,  py39,  even,    preallocate, managed_both,    hint_even,   set_resize, 30,  0,  by_length, rounded,  false, false, true, 256,  true},
    {{14, 4}, 20,   28,     true,  1,   16,   32,  20,  true,  32,   true,  84,  true,  76,  76,  py39,  even,    preallocate, managed_both,    hint_even,   set_resize, 30,  30, by_length, loop,     false, false, true, 256,  true},
}};
// clang-format on

}  // namespace

std::span<const layout_params> all_params() { return rows; }

namespace {

// Rows by (minor, 32- or 64-bit): the analyses ask for a platform's row once per object.
constexpr std::size_t max_minor = 64;
constexpr std::size_t slot_of(cpython_target t) { return t.minor * 2u + (t.pointer_size == 8 ? 1u : 0u); }
constexpr std::array<std::uint8_t, 2 * max_minor> row_slots = [] {
  std::array<std::uint8_t, 2 * max_minor> out{};
  out.fill(0xFF);
  for (std::size_t i = rows.size(); i-- > 0;) {  // the first row of a target wins, as a scan would find it
    const cpython_target t = rows[i].target;
    if (t.minor < max_minor && (t.pointer_size == 4 || t.pointer_size == 8))
      out[slot_of(t)] = static_cast<std::uint8_t>(i);
  }
  return out;
}();

}  // namespace

const layout_params* find_params(cpython_target t) {
  if (t.minor >= max_minor || (t.pointer_size != 4 && t.pointer_size != 8)) return nullptr;
  const std::uint8_t i = row_slots[slot_of(t)];
  return i == 0xFF ? nullptr : &rows[i];
}

}  // namespace bytewise::detail
