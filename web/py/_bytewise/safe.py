"""What the probe may ask of a class without running the program's code.

``cls.__qualname__``, ``cls.__mro__`` or ``getattr(cls, name)`` go through the class's
metaclass, and a metaclass may define ``__getattribute__`` (or a property of that name):
the program's code would run inside the capture, where it could loop, raise, or lie. The
functions here read the same facts through ``type``'s own descriptors and the classes' own
namespaces, which no class can override.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - see the package's docstring

_TYPE = type.__dict__
_namespace = _TYPE["__dict__"].__get__
_mro = _TYPE["__mro__"].__get__
_flags = _TYPE["__flags__"].__get__
_qualname = _TYPE["__qualname__"].__get__
_module = _TYPE["__module__"].__get__
_base = _TYPE["__base__"].__get__
_dictoffset = _TYPE["__dictoffset__"].__get__
_weakrefoffset = _TYPE["__weakrefoffset__"].__get__

# CPython's own tp_flags bits (Include/object.h), not snapshot constants.
Py_TPFLAGS_IMMUTABLETYPE = 1 << 8  # heap types made in C (PyType_FromSpec) are immutable; classes are not
Py_TPFLAGS_HEAPTYPE = 1 << 9
Py_TPFLAGS_HAVE_GC = 1 << 14

_MISSING = object()


def namespace(cls):
    """The class's own namespace (a read-only mapping), as ``cls.__dict__`` would be."""
    return _namespace(cls)


def mro(cls):
    return _mro(cls)


def flags(cls):
    return _flags(cls)


def qualname(cls):
    return _qualname(cls)


def module(cls):
    return _module(cls)


def base(cls):
    return _base(cls)


def dictoffset(cls):
    return _dictoffset(cls)


def weakrefoffset(cls):
    return _weakrefoffset(cls)


def is_heap_type(cls):
    return bool(_flags(cls) & Py_TPFLAGS_HEAPTYPE)


def lookup(cls, name, default=None):
    """The attribute ``name`` as the first class of the MRO defines it (the raw entry of
    its namespace, descriptors not called), or ``default``. Like CPython's _PyType_Lookup."""
    for klass in _mro(cls):
        value = _namespace(klass).get(name, _MISSING)
        if value is not _MISSING:
            return value
    return default
