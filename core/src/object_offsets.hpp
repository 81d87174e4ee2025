// Where CPython keeps each field of its objects, per platform: the offsets the core reads
// objects from memory with (today the X-ray, xray.cpp). The sizes the layout model predicts
// are in layout_tables.hpp beside this; tests/core/object_offsets_test.cpp checks that the
// two tables agree wherever they describe the same struct.
//
// One row per platform (object_offsets.cpp). A row groups its fields by C struct: the
// object header with the GC header and pre-header before it, then one struct per type.
// Offsets count from the object's address (id(obj)); the GC header and the pre-header sit
// before it, at negative offsets. Fields of a block of their own (a dict's keys table, an
// instance's inline values) count from that block's start.
//
// To decode another type, add a struct for it (its fields as `field_at`) and fill it in on
// every row; to cover another platform, add a row. A field that a version does not have
// keeps size 0 there, so code can ask `present()` instead of comparing versions.
//
// Sources: CPython's headers of each version (v3.14: Include/object.h, cpython/object.h,
// cpython/listobject.h, cpython/tupleobject.h, cpython/longintrepr.h,
// internal/pycore_long.h, cpython/floatobject.h, cpython/unicodeobject.h,
// cpython/bytesobject.h, cpython/dictobject.h, internal/pycore_dict.h,
// internal/pycore_object.h, internal/pycore_interp_structs.h), laid out by the C rules of
// the platform's ABI (wasm32: 4-byte pointers and Py_ssize_t, 8-byte aligned int64 and
// double).
#pragma once

#include <bytewise/layout_model.hpp>

#include <cstdint>
#include <span>

namespace bytewise::detail {

// One field: its offset and width in bytes. size 0: the platform has no such field.
struct field_at {
  std::int32_t offset = 0;
  std::uint8_t size = 0;
  constexpr bool present() const { return size != 0; }
  constexpr std::int32_t end() const { return offset + size; }
};

// PyObject and PyVarObject, and what sits before a GC object: PyGC_Head and, for types with
// a managed dict or weakref list, the pre-header (3.12+: weakref list, then dict or values).
struct header_offsets {
  field_at refcnt;                // ob_refcnt
  field_at type;                  // ob_type
  field_at size;                  // ob_size (PyVarObject)
  field_at gc_next;               // PyGC_Head._gc_next
  field_at gc_prev;               // PyGC_Head._gc_prev (its low bits are the collector's flags)
  field_at weakrefs;              // pre-header: the managed weakref list
  field_at dict;                  // pre-header: a materialized __dict__, or the values pointer
  std::uint32_t object_size;      // sizeof(PyObject)
  std::uint32_t var_object_size;  // sizeof(PyVarObject)
  std::uint32_t gc_size;          // sizeof(PyGC_Head)
  std::uint32_t preheader_size;   // the managed pre-header (_PyType_PreHeaderSize less the GC head)
  // Refcounts at or above this are immortal (_Py_IMMORTAL_MINIMUM_REFCNT, 3.12+); 0: none are.
  std::uint64_t immortal_minimum;
  // The refcount the interpreter's statically allocated objects start with and keep
  // (_Py_STATIC_IMMORTAL_INITIAL_REFCNT on 32-bit 3.14); 0: static objects are told apart otherwise.
  std::uint64_t static_refcnt;
};

// PyTypeObject, as far as it is read, and PyHeapTypeObject (a class statement's type).
struct type_offsets {
  field_at name;              // tp_name: a pointer to a C string ("list", "module.Class")
  field_at basicsize;         // tp_basicsize
  field_at itemsize;          // tp_itemsize
  field_at flags;             // tp_flags
  field_at weaklistoffset;    // tp_weaklistoffset
  field_at base;              // tp_base
  field_at dictoffset;        // tp_dictoffset
  field_at mro;               // tp_mro: a tuple
  field_at traverse;          // tp_traverse: a function pointer, compared, never called
  std::uint32_t object_size;  // sizeof(PyTypeObject): type.__sizeof__ of a static type
  field_at heap_slots;        // PyHeapTypeObject.ht_slots: __slots__ as given, or NULL
  field_at heap_qualname;     // ht_qualname: a str
  field_at heap_cached_keys;  // ht_cached_keys: the shared keys of its instances' dicts
  std::uint32_t heap_size;    // sizeof(PyHeapTypeObject)
};

// Bits of tp_flags the walker reads (Include/object.h).
struct type_flag_bits {
  std::uint32_t inline_values;    // Py_TPFLAGS_INLINE_VALUES (3.13+)
  std::uint32_t managed_dict;     // Py_TPFLAGS_MANAGED_DICT
  std::uint32_t managed_weakref;  // Py_TPFLAGS_MANAGED_WEAKREF (3.12+)
  std::uint32_t heap_type;        // Py_TPFLAGS_HEAPTYPE
  std::uint32_t have_gc;          // Py_TPFLAGS_HAVE_GC
};

// PyLongObject. 3.12+ keep the sign and the digit count in lv_tag (ndigits << 3 | sign,
// sign 0 positive, 1 zero, 2 negative; 3.14 marks immortal small ints with bit 2).
struct long_offsets {
  field_at tag;                 // long_value.lv_tag
  field_at digit;               // long_value.ob_digit[0]; the next digits follow at digit.size
  std::uint8_t digit_bits;      // PYLONG_BITS_IN_DIGIT
  std::uint8_t tag_size_shift;  // NON_SIZE_BITS
  std::uint8_t tag_sign_mask;   // SIGN_MASK
  std::uint8_t tag_immortal;    // _PyLong_IMMORTAL_BIT mask; 0: none
};

struct float_offsets {
  field_at value;  // ob_fval, a double
};

// PyASCIIObject and PyCompactUnicodeObject; the bits of `state` (a C bit field).
struct str_offsets {
  field_at length;             // Py_ssize_t length, in code points
  field_at hash;               // Py_hash_t hash, -1 until computed
  field_at state;              // the state bit field
  std::int32_t ascii_data;     // a compact ASCII string's characters follow the header here
  field_at utf8_length;        // PyCompactUnicodeObject
  field_at utf8;               // PyCompactUnicodeObject: a cached UTF-8 copy, or NULL
  std::int32_t compact_data;   // a compact non-ASCII string's characters start here
  std::uint8_t interned_mask;  // state bits 0-1: SSTATE_NOT_INTERNED ... SSTATE_INTERNED_IMMORTAL_STATIC
  std::uint8_t kind_shift;     // kind: 1, 2 or 4 bytes per character
  std::uint8_t kind_mask;      // its width (3 bits)
  std::uint8_t compact_shift;
  std::uint8_t ascii_shift;
  std::uint8_t static_shift;  // statically_allocated (3.12+); 0xFF: none
};

struct bytes_offsets {
  field_at hash;      // ob_shash (deprecated in 3.13, still there)
  std::int32_t data;  // ob_sval: the bytes and a NUL
};

struct tuple_offsets {
  field_at hash;  // ob_hash, the cached hash (3.14+)
  field_at item;  // ob_item[0]; the next follow at item.size
};

struct list_offsets {
  field_at items;      // ob_item: the item array, a block of its own
  field_at allocated;  // slots in the item array
};

// PyDictObject.
struct dict_offsets {
  field_at used;     // ma_used
  field_at version;  // ma_version_tag (3.14: _ma_watcher_tag), a uint64_t
  field_at keys;     // ma_keys
  field_at values;   // ma_values: a split table's values, or NULL
};

// PyDictKeysObject, from the table's start, and its entries.
struct dict_keys_offsets {
  field_at refcnt;            // dk_refcnt
  field_at log2_size;         // dk_log2_size
  field_at log2_index_bytes;  // dk_log2_index_bytes
  field_at kind;              // dk_kind: 0 general, 1 str keys, 2 split
  field_at version;           // dk_version
  field_at usable;            // dk_usable
  field_at nentries;          // dk_nentries
  std::int32_t indices;       // dk_indices: the hash index, then the entries
  // PyDictKeyEntry (general tables) and PyDictUnicodeEntry (all keys str), from the entry's start.
  std::uint32_t entry_size;
  field_at entry_hash, entry_key, entry_value;
  std::uint32_t unicode_entry_size;
  field_at unicode_key, unicode_value;
};

// _PyInlineValues (3.13+): an instance's attribute values, after the object
// (at its type's tp_basicsize), from their start.
struct inline_values_offsets {
  field_at capacity;  // uint8_t
  field_at size;      // uint8_t
  field_at embedded;  // uint8_t: the values live here, inline
  field_at valid;     // uint8_t: 0 once a materialized __dict__ took them over
  field_at value;     // values[0]; the next follow at value.size
};

struct bytearray_offsets {
  field_at alloc;  // ob_alloc: bytes in the buffer
};

// PySetObject and its entries (setentry: key, hash).
struct set_offsets {
  field_at used;             // used: live keys
  field_at mask;             // mask: table slots - 1
  field_at table;            // table: the smalltable inside the object or a block of its own
  std::uint32_t entry_size;  // sizeof(setentry)
  field_at entry_key, entry_hash;
};

struct range_offsets {
  field_at length;  // length: an int object
};

// PyFunctionObject; the fields func_traverse visits, in no particular order here.
struct function_offsets {
  field_at globals, builtins, name, qualname, code, defaults, kwdefaults, closure, doc, dict, module, annotations,
      annotate, typeparams;
};

struct method_offsets {
  field_at func;  // im_func
  field_at self;  // im_self
};

struct cell_offsets {
  field_at ref;  // ob_ref: the content, or NULL when empty
};

// PyCFunctionObject (builtin functions and methods of C objects) and its PyMethodDef.
struct builtin_function_offsets {
  field_at ml;                // m_ml: the PyMethodDef
  field_at self;              // m_self
  field_at module;            // m_module
  field_at klass;             // PyCMethodObject.mm_class, with METH_METHOD
  field_at ml_flags;          // PyMethodDef.ml_flags, from the PyMethodDef's start
  std::uint32_t meth_method;  // METH_METHOD
};

// PyCodeObject, as far as it is read.
struct code_offsets {
  field_at localsplusnames;  // co_localsplusnames: a tuple of names
  field_at localspluskinds;  // co_localspluskinds: a bytes object, one kind byte per name
  std::uint8_t fast_free;    // CO_FAST_FREE: the kind bit of a free variable
  // co_extra sits just before co_code_adaptive, which starts at the type's tp_basicsize.
  std::int32_t extra_before_basicsize;
};

// PyMemberDescrObject (a __slots__ entry's descriptor) and its PyMemberDef.
struct member_offsets {
  field_at member;         // d_member: the PyMemberDef
  field_at member_offset;  // PyMemberDef.offset: where the slot is in the instance
};

// arrayobject (Modules/arraymodule.c) and its arraydescr.
struct array_offsets {
  field_at allocated;  // allocated: items the buffer holds
  field_at descr;      // ob_descr: the item type
  field_at typecode;   // arraydescr.typecode, a char
  field_at item_size;  // arraydescr.itemsize, an int
};

// PySliceObject.
struct slice_offsets {
  field_at start, stop, step;
};

struct object_offsets {
  cpython_target target;
  header_offsets header;
  type_offsets type;
  type_flag_bits type_flags;
  long_offsets long_;
  float_offsets float_;
  str_offsets str;
  bytes_offsets bytes;
  tuple_offsets tuple;
  list_offsets list;
  dict_offsets dict;
  dict_keys_offsets dict_keys;
  inline_values_offsets inline_values;
  bytearray_offsets bytearray;
  set_offsets set;
  range_offsets range;
  function_offsets function;
  method_offsets method;
  cell_offsets cell;
  builtin_function_offsets builtin_function;
  code_offsets code;
  member_offsets member;
  array_offsets array;
  slice_offsets slice;
};

// The row for a platform whose objects the core can read; nullptr otherwise.
const object_offsets* find_offsets(cpython_target t);
// Every row, oldest platform first.
std::span<const object_offsets> offset_rows();

}  // namespace bytewise::detail
