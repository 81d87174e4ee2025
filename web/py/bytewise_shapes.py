"""Shape facts: what the layout model needs to know about an object to predict its
sys.getsizeof on another CPython (core/include/bytewise/layout_model.hpp).

Each object gets one 64-bit word: bits 0-7 a family (which formula applies), bits 8-63
the family's facts. Most facts follow from the type alone; ints, strs, dicts, instances,
arrays and memoryviews add a few of their own (bit length, character kind, key kind,
slot layout, item size). Everything else the model needs (a list's capacity, a dict's
table size) it reads back from the getsizeof measured here, on the source platform.
"""

import array
import types

UNKNOWN = 0
INT = 1
BOOL = 2
FLOAT = 3
COMPLEX = 4
STR = 5
BYTES = 6
BYTEARRAY = 7
TUPLE = 8
LIST = 9
DICT = 10
SET = 11
FROZENSET = 12
RANGE = 13
SLICE = 14
SINGLETON = 15  # None, Ellipsis, NotImplemented
OBJECT = 16  # object()
INSTANCE = 17  # of a class statement's class deriving from object only
FUNCTION = 18
BUILTIN_FUNCTION = 19
METHOD = 20
CELL = 21
ARRAY = 22
MEMORYVIEW = 23
GENERATOR = 24
COROUTINE = 25
ASYNC_GENERATOR = 26

_BY_TYPE = {
    int: INT, bool: BOOL, float: FLOAT, complex: COMPLEX, str: STR, bytes: BYTES,
    bytearray: BYTEARRAY, tuple: TUPLE, list: LIST, dict: DICT, set: SET, frozenset: FROZENSET,
    range: RANGE, slice: SLICE, type(None): SINGLETON, type(...): SINGLETON,
    type(NotImplemented): SINGLETON, object: OBJECT, types.FunctionType: FUNCTION,
    types.BuiltinFunctionType: BUILTIN_FUNCTION, types.MethodType: METHOD,
    types.CellType: CELL, array.array: ARRAY, memoryview: MEMORYVIEW,
    types.GeneratorType: GENERATOR, types.CoroutineType: COROUTINE,
    types.AsyncGeneratorType: ASYNC_GENERATOR,
}

_HEAPTYPE = 1 << 9
_IMMUTABLETYPE = 1 << 8  # heap types made in C (PyType_FromSpec) are immutable; classes are not
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
        return k.__flags__ & _HEAPTYPE and not k.__flags__ & _IMMUTABLETYPE

    if all(k is object or from_class_statement(k) for k in cls.__mro__):
        slots = 0
        declared = False
        for klass in cls.__mro__:
            namespace = type.__dict__["__dict__"].__get__(klass)
            if "__slots__" in namespace:
                declared = True
            slots += sum(1 for v in namespace.values() if issubclass(type(v), types.MemberDescriptorType))
        has_dict = cls.__dictoffset__ != 0
        has_weakref = cls.__weakrefoffset__ != 0
        word = INSTANCE | min(slots, 0xFFFF) << 8 | has_dict << 24 | has_weakref << 25 | declared << 26
    _instance_words[cls] = word
    return word


def family(t):
    """The family word of type t when its facts depend on the type alone, else None
    (the object's own facts are needed: see shape())."""
    f = _BY_TYPE.get(t)
    if f is not None:
        return None if f in (INT, BOOL, STR, DICT, ARRAY, MEMORYVIEW) else f
    word = _instance_word(t)
    return UNKNOWN if word is None else word


def _str_kind(s):
    if s.isascii():
        return 0
    top = ord(max(s))
    return 1 if top < 0x100 else 2 if top < 0x10000 else 3


def shape(obj):
    """The full shape word of one object whose type needs per-object facts."""
    t = type(obj)
    if t is int:
        return INT | min(obj.bit_length(), 0xFFFFFFFF) << 8 | (obj < 0) << 40
    if t is bool:
        return BOOL | int(obj) << 8
    if t is str:
        return STR | _str_kind(obj) << 8
    if t is dict:
        unicode_keys = all(type(k) is str for k in obj)
        return DICT | unicode_keys << 8
    if t is array.array:
        return ARRAY | obj.itemsize << 8 | ord(obj.typecode) << 16
    if t is memoryview:
        return MEMORYVIEW | obj.ndim << 8
    return UNKNOWN
