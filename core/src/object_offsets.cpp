// The object field offsets (see object_offsets.hpp): one row per platform whose objects the
// core reads. Today that is the Pyodide this project ships, CPython 3.14 on wasm32, where
// every row of the layout fixtures was measured and the X-ray checks each field against
// Python's own view (tests/node/xray.test.mjs).
//
// Reading a row: `{offset, size}` in bytes from the object's address; on wasm32 a pointer
// and Py_ssize_t are 4 bytes, a uint64_t or double 8 (and 8-aligned, which is why
// PyDictObject has 4 bytes of padding after ma_used).
#include "object_offsets.hpp"

#include <array>

namespace bytewise::detail {
namespace {

// clang-format off
constexpr std::array<object_offsets, 1> rows{{
    {
        .target = {14, 4},
        //          refcnt  type    size    gc_next  gc_prev  weakrefs   dict
        .header = {{0, 4}, {4, 4}, {8, 4}, {-8, 4}, {-4, 4}, {-16, 4}, {-12, 4},
                   // PyObject, PyVarObject, PyGC_Head, pre-header
                   8, 12, 8, 8,
                   // _Py_IMMORTAL_MINIMUM_REFCNT 1 << 30, _Py_STATIC_IMMORTAL_INITIAL_REFCNT 7 << 28
                   1u << 30, 7u << 28},
        //        tp_name  basicsize itemsize flags     weaklist  base       dictoffset mro
        .type = {{12, 4}, {16, 4},  {20, 4}, {84, 4},  {104, 4}, {128, 4},  {144, 4},  {172, 4},
                 // tp_traverse
                 {92, 4},
                 // sizeof(PyTypeObject); ht_slots, ht_qualname, ht_cached_keys; sizeof(PyHeapTypeObject)
                 208, {432, 4}, {436, 4}, {440, 4}, 468},
        //              inline values, managed dict, managed weakref, heap type, have GC
        .type_flags = {1u << 2, 1u << 4, 1u << 3, 1u << 9, 1u << 14},
        //         lv_tag   digit[0]  bits shift sign immortal
        .long_ = {{8, 4},  {12, 4},  30,  3,    3,   4},
        .float_ = {.value = {8, 8}},
        //        length  hash     state    ascii utf8_length utf8     compact
        .str = {{8, 4}, {12, 4}, {16, 4}, 20,   {20, 4},    {24, 4}, 28,
                // interned mask, kind shift and mask, compact, ascii, statically_allocated
                3, 2, 7, 5, 6, 7},
        .bytes = {.hash = {12, 4}, .data = 16},
        .tuple = {.hash = {12, 4}, .item = {16, 4}},
        .list = {.items = {12, 4}, .allocated = {16, 4}},
        //         ma_used  _ma_watcher_tag  ma_keys  ma_values
        .dict = {{8, 4},  {16, 8},         {24, 4}, {28, 4}},
        //              refcnt  log2_size log2_index kind     version  usable    nentries  indices
        .dict_keys = {{0, 4}, {4, 1},   {5, 1},    {6, 1},  {8, 4},  {12, 4},  {16, 4},  20,
                      // PyDictKeyEntry: hash, key, value; PyDictUnicodeEntry: key, value
                      12, {0, 4}, {4, 4}, {8, 4}, 8, {0, 4}, {4, 4}},
        //                 capacity size    embedded valid   values[0]
        .inline_values = {{0, 1}, {1, 1}, {2, 1},  {3, 1}, {4, 4}},
        .bytearray = {.alloc = {12, 4}},
        //        used     mask     table    setentry: size, key, hash
        .set = {{12, 4}, {16, 4}, {20, 4}, 8, {0, 4}, {4, 4}},
        .range = {.length = {20, 4}},
        //             globals builtins name     qualname code     defaults kwdefaults closure
        .function = {{8, 4}, {12, 4}, {16, 4}, {20, 4}, {24, 4}, {28, 4}, {32, 4},   {36, 4},
                     // doc    dict      module    annotations annotate  typeparams
                     {40, 4}, {44, 4}, {52, 4}, {56, 4},     {60, 4},  {64, 4}},
        .method = {.func = {8, 4}, .self = {12, 4}},
        .cell = {.ref = {8, 4}},
        //                     m_ml     m_self    m_module  mm_class  ml_flags  METH_METHOD
        .builtin_function = {{8, 4}, {12, 4}, {16, 4}, {28, 4}, {8, 4}, 0x0200},
        //         localsplusnames localspluskinds CO_FAST_FREE co_extra
        .code = {{72, 4},        {76, 4},        0x80,        -4},
        //           d_member  PyMemberDef.offset
        .member = {{20, 4}, {8, 4}},
        //          allocated ob_descr  typecode itemsize
        .array = {{16, 4},  {20, 4}, {0, 1},  {4, 4}},
        .slice = {{8, 4}, {12, 4}, {16, 4}},
    },
}};
// clang-format on

}  // namespace

const object_offsets* find_offsets(cpython_target t) {
  for (const object_offsets& row : rows) {
    if (row.target == t) return &row;
  }
  return nullptr;
}

std::span<const object_offsets> offset_rows() { return rows; }

}  // namespace bytewise::detail
