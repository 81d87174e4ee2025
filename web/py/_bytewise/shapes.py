"""Shape facts: what the layout model needs to know about an object to predict its
sys.getsizeof on another CPython (core/include/bytewise/layout_model.hpp).

Each object gets one 64-bit word: the low byte a family (which formula applies), the
bits above it the family's facts (their positions are in format.py, SHAPE_*). Most facts follow from the type alone; ints, strs, dicts, instances,
arrays and memoryviews add a few of their own (bit length, character kind, key kind,
slot layout, item size). Everything else the model needs (a list's capacity, a dict's
table size) it reads back from the getsizeof measured here, on the source platform.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import array
import types

from . import safe

from .format import (
    SHAPE_ARRAY_ITEM_SIZE_SHIFT, SHAPE_ARRAY_TYPECODE_SHIFT, SHAPE_BOOL_VALUE_SHIFT,
    SHAPE_DICT_STR_KEYS_SHIFT, SHAPE_FAMILY_ARRAY, SHAPE_FAMILY_ASYNC_GENERATOR, SHAPE_FAMILY_BOOL,
    SHAPE_FAMILY_BUILTIN_FUNCTION, SHAPE_FAMILY_BYTEARRAY, SHAPE_FAMILY_BYTES, SHAPE_FAMILY_CELL,
    SHAPE_FAMILY_COMPLEX, SHAPE_FAMILY_COROUTINE, SHAPE_FAMILY_DICT, SHAPE_FAMILY_FLOAT,
    SHAPE_FAMILY_FROZENSET, SHAPE_FAMILY_FUNCTION, SHAPE_FAMILY_GENERATOR, SHAPE_FAMILY_INSTANCE,
    SHAPE_FAMILY_INT, SHAPE_FAMILY_LIST, SHAPE_FAMILY_MEMORYVIEW, SHAPE_FAMILY_METHOD,
    SHAPE_FAMILY_OBJECT, SHAPE_FAMILY_RANGE, SHAPE_FAMILY_SET, SHAPE_FAMILY_SINGLETON,
    SHAPE_FAMILY_SLICE, SHAPE_FAMILY_STR, SHAPE_FAMILY_TUPLE, SHAPE_FAMILY_UNKNOWN,
    SHAPE_INSTANCE_HAS_DICT_SHIFT, SHAPE_INSTANCE_HAS_WEAKREF_SHIFT,
    SHAPE_INSTANCE_SLOTS_DECLARED_SHIFT, SHAPE_INSTANCE_SLOTS_MASK, SHAPE_INSTANCE_SLOTS_SHIFT,
    SHAPE_INT_BIT_LENGTH_MASK, SHAPE_INT_BIT_LENGTH_SHIFT, SHAPE_INT_NEGATIVE_SHIFT,
    SHAPE_MEMORYVIEW_NDIM_SHIFT, SHAPE_STR_KIND_ASCII, SHAPE_STR_KIND_LATIN1, SHAPE_STR_KIND_SHIFT,
    SHAPE_STR_KIND_UCS2, SHAPE_STR_KIND_UCS4,
)

_BY_TYPE = {
    int: SHAPE_FAMILY_INT, bool: SHAPE_FAMILY_BOOL, float: SHAPE_FAMILY_FLOAT,
    complex: SHAPE_FAMILY_COMPLEX, str: SHAPE_FAMILY_STR, bytes: SHAPE_FAMILY_BYTES,
    bytearray: SHAPE_FAMILY_BYTEARRAY, tuple: SHAPE_FAMILY_TUPLE, list: SHAPE_FAMILY_LIST,
    dict: SHAPE_FAMILY_DICT, set: SHAPE_FAMILY_SET, frozenset: SHAPE_FAMILY_FROZENSET,
    range: SHAPE_FAMILY_RANGE, slice: SHAPE_FAMILY_SLICE, type(None): SHAPE_FAMILY_SINGLETON,
    type(...): SHAPE_FAMILY_SINGLETON, type(NotImplemented): SHAPE_FAMILY_SINGLETON,
    object: SHAPE_FAMILY_OBJECT, types.FunctionType: SHAPE_FAMILY_FUNCTION,
    types.BuiltinFunctionType: SHAPE_FAMILY_BUILTIN_FUNCTION, types.MethodType: SHAPE_FAMILY_METHOD,
    types.CellType: SHAPE_FAMILY_CELL, array.array: SHAPE_FAMILY_ARRAY,
    memoryview: SHAPE_FAMILY_MEMORYVIEW, types.GeneratorType: SHAPE_FAMILY_GENERATOR,
    types.CoroutineType: SHAPE_FAMILY_COROUTINE, types.AsyncGeneratorType: SHAPE_FAMILY_ASYNC_GENERATOR,
}
# Families whose facts depend on the object, not only on its type (see shape()).
_PER_OBJECT = frozenset({SHAPE_FAMILY_INT, SHAPE_FAMILY_BOOL, SHAPE_FAMILY_STR, SHAPE_FAMILY_DICT,
                         SHAPE_FAMILY_ARRAY, SHAPE_FAMILY_MEMORYVIEW})

_instance_words = {}


def _instance_word(cls):
    """The layout of a plain class's instances: slots, __dict__, __weakref__, and whether
    any class of the MRO declared __slots__. None when a base other than object adds a
    C-level layout (subclasses of builtins are not modelled)."""
    cached = _instance_words.get(cls, False)
    if cached is not False:
        return cached
    word = None
    def from_class_statement(k):
        return safe.is_heap_type(k) and not safe.flags(k) & safe.Py_TPFLAGS_IMMUTABLETYPE

    if all(k is object or from_class_statement(k) for k in safe.mro(cls)):
        slots = 0
        declared = False
        for klass in safe.mro(cls):
            namespace = safe.namespace(klass)
            if "__slots__" in namespace:
                declared = True
            slots += sum(1 for v in namespace.values() if issubclass(type(v), types.MemberDescriptorType))
        has_dict = safe.dictoffset(cls) != 0
        has_weakref = safe.weakrefoffset(cls) != 0
        word = (SHAPE_FAMILY_INSTANCE
                | min(slots, SHAPE_INSTANCE_SLOTS_MASK) << SHAPE_INSTANCE_SLOTS_SHIFT
                | has_dict << SHAPE_INSTANCE_HAS_DICT_SHIFT
                | has_weakref << SHAPE_INSTANCE_HAS_WEAKREF_SHIFT
                | declared << SHAPE_INSTANCE_SLOTS_DECLARED_SHIFT)
    _instance_words[cls] = word
    return word


def family(t):
    """The family word of type t when its facts depend on the type alone, else None
    (the object's own facts are needed: see shape())."""
    f = _BY_TYPE.get(t)
    if f is not None:
        return None if f in _PER_OBJECT else f
    word = _instance_word(t)
    return SHAPE_FAMILY_UNKNOWN if word is None else word


def _str_kind(s):
    if s.isascii():
        return SHAPE_STR_KIND_ASCII
    top = ord(max(s))
    if top < 0x100:
        return SHAPE_STR_KIND_LATIN1
    return SHAPE_STR_KIND_UCS2 if top < 0x10000 else SHAPE_STR_KIND_UCS4


def shape(obj):
    """The full shape word of one object whose type needs per-object facts."""
    t = type(obj)
    if t is int:
        bits = min(obj.bit_length(), SHAPE_INT_BIT_LENGTH_MASK)
        return SHAPE_FAMILY_INT | bits << SHAPE_INT_BIT_LENGTH_SHIFT | (obj < 0) << SHAPE_INT_NEGATIVE_SHIFT
    if t is bool:
        return SHAPE_FAMILY_BOOL | int(obj) << SHAPE_BOOL_VALUE_SHIFT
    if t is str:
        return SHAPE_FAMILY_STR | _str_kind(obj) << SHAPE_STR_KIND_SHIFT
    if t is dict:
        str_keys = all(type(k) is str for k in obj)
        return SHAPE_FAMILY_DICT | str_keys << SHAPE_DICT_STR_KEYS_SHIFT
    if t is array.array:
        return (SHAPE_FAMILY_ARRAY | obj.itemsize << SHAPE_ARRAY_ITEM_SIZE_SHIFT
                | ord(obj.typecode) << SHAPE_ARRAY_TYPECODE_SHIFT)
    if t is memoryview:
        return SHAPE_FAMILY_MEMORYVIEW | obj.ndim << SHAPE_MEMORYVIEW_NDIM_SHIFT
    return SHAPE_FAMILY_UNKNOWN
