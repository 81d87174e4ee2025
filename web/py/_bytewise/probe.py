"""Bytewise probe: asks CPython about the objects a program made and writes a snapshot.

The probe only observes. For every object reachable from the roots it is given, it
records what CPython itself reports (``id``, type, ``sys.getsizeof``, length, a short
label) and the labelled references between objects (edges.py decides which references
an object owns, shapes.py what the layout model needs), then writes them as columns in the
binary snapshot format of docs/snapshot-format.md, whose constants are in format.py. All
analysis happens in the C++ core.

Use::

    from _bytewise import probe
    data = probe.capture({"x": [1, 2, 3]}, 1000, None, 10_000)  # bytes, a format-1.x snapshot
    data = probe.capture_namespace(globals(), 1000, None, 10_000)  # user-defined globals as roots

Rules it follows:
  * No recursion: a breadth-first walk with an explicit queue, so a list nested 100,000
    deep is captured like a flat one. Node indices are assigned in that order.
  * It keeps every object it saw alive until the snapshot is written, so no id is reused.
  * It runs none of the program's code: not a class's own ``__sizeof__`` (its objects are
    sized by CPython's own ``__sizeof__`` for them, and a diagnostic says so), nor
    ``__repr__``, ``__eq__``, ``__hash__``, ``__getattr__`` or a metaclass's attribute
    hooks (safe.py); builtins and ``sys``/``gc`` functions are CPython's own, bound
    before any program ran.
  * Bounded: at most ``object_cap`` objects, and at most ``edge_cap`` references read from
    any one object; the snapshot says where it stopped.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import array
import gc
from gc import is_tracked  # bound now: a program may rebind gc's and sys's functions
import struct
import sys
from sys import getrefcount, getsizeof
import types
from bisect import bisect_left
from itertools import chain, islice, repeat
from operator import mul, or_

from . import edges as edges_mod
from . import safe
from . import shapes as shapes_mod
from .edges import DEFAULT_POLICY, Policy
from .format import (
    EDGE_KIND_ATTRIBUTE, EDGE_KIND_CODE, EDGE_KIND_DICT_KEY, EDGE_KIND_DICT_VALUE, EDGE_KIND_GLOBALS, EDGE_KIND_INDEX,
    EDGE_KIND_TYPE,
    META_FLAG_FREE_THREADED, META_FLAG_INTERNED_KNOWN, META_FLAG_SMALL_INTS_PROBED,
    META_FLAG_STATIC_KNOWN, META_FLAG_TRUNCATED, META_OFFSET_CAPTURE_FLAGS, META_OFFSET_EDGE_COUNT,
    META_OFFSET_IMPLEMENTATION, META_OFFSET_MACHINE, META_OFFSET_NODE_COUNT, META_OFFSET_OBJECT_CAP,
    META_OFFSET_POINTER_SIZE, META_OFFSET_POLICY, META_OFFSET_PYTHON_MAJOR, META_OFFSET_PYTHON_MICRO,
    META_OFFSET_PYTHON_MINOR, META_OFFSET_PYTHON_VERSION, META_OFFSET_RELEASE_LEVEL,
    META_OFFSET_RELEASE_SERIAL, META_OFFSET_RESERVED, META_OFFSET_ROOT_COUNT, META_OFFSET_RUNTIME,
    META_OFFSET_SMALL_INT_MAX, META_OFFSET_SMALL_INT_MIN, META_SIZE, NO_NODE, NO_STRING,
    NODE_CATEGORY_CODE, NODE_CATEGORY_FRAME, NODE_CATEGORY_FUNCTION, NODE_CATEGORY_MODULE,
    NODE_CATEGORY_ORDINARY, NODE_CATEGORY_TYPE_OBJECT, NODE_FLAG_CATEGORY_MASK,
    NODE_FLAG_CATEGORY_SHIFT, NODE_FLAG_GC_TRACKED, NODE_FLAG_HAS_LENGTH, NODE_FLAG_IMMORTAL,
    NODE_FLAG_INTERNED, NODE_FLAG_NOT_FOLLOWED, NODE_FLAG_SMALL_INT, NODE_FLAG_STATIC_OBJECT,
    NODE_FLAG_TRUNCATED, RELEASE_LEVEL_ALPHA, RELEASE_LEVEL_BETA, RELEASE_LEVEL_CANDIDATE,
    RELEASE_LEVEL_FINAL, REFCOUNT_UNKNOWN, SECTION_DIAGNOSTICS, SECTION_EDGE_KIND,
    SECTION_EDGE_LABEL, SECTION_EDGE_OFFSETS, SECTION_EDGE_TARGET, SECTION_META,
    SECTION_NODE_ADDRESS, SECTION_NODE_FLAGS, SECTION_NODE_LABEL, SECTION_NODE_LENGTH,
    SECTION_NODE_REFCOUNT, SECTION_NODE_SHAPE, SECTION_NODE_SIZE, SECTION_NODE_TYPE, SECTION_ROOTS,
    SECTION_STRINGS, SNAPSHOT_DIRECTORY_ENTRY_SIZE, SNAPSHOT_HEADER_SIZE, SNAPSHOT_MAGIC,
    SNAPSHOT_MAJOR_VERSION, SNAPSHOT_MAX_NODE_SIZE, SNAPSHOT_MAX_SECTIONS, SNAPSHOT_MAX_TOTAL_SIZE,
    SNAPSHOT_MINOR_VERSION, SNAPSHOT_SECTION_ALIGNMENT,
)

# Where the heap starts, when the host can tell (Pyodide: the wasm module's __heap_base,
# set by web/python-runner.js). Objects below it are the interpreter's static data (None,
# small ints, the empty tuple, static strings): no allocator block holds them.
_heap_base = None


def set_heap_base(address):
    """Objects at addresses below ``address`` are static; None: unknown."""
    global _heap_base
    if address is not None and (type(address) is not int or address <= 0):
        raise ValueError("heap base must be a positive int or None, got %r" % (address,))
    _heap_base = address

LABEL_CHARS = 24
# Objects beyond the first LABEL_CAP (breadth-first from the roots, so the ones a diagram
# shows come first) get no label: labels of a million ints would dominate the snapshot.
LABEL_CAP = 5_000
_LENGTH_TYPES = frozenset({list, tuple, dict, set, frozenset, str, bytes, bytearray, array.array,
                           range})
_LABEL_TYPES = frozenset({int, float, complex, str, bytes, bool, type(None)})
_BATCH = 65_536  # nodes expanded together (bounds the batch lists' memory)
_INDEX_KIND = bytes((EDGE_KIND_INDEX,))
_DICT_KINDS = bytes((EDGE_KIND_DICT_KEY, EDGE_KIND_DICT_VALUE))
_U64_MAX = (1 << 64) - 1


def _u32_array():
    a = array.array("I")
    if a.itemsize != 4:  # pragma: no cover - every CPython we target has 4-byte unsigned int
        raise RuntimeError("array('I') is not 32-bit on this platform")
    return a


def _u64_array():
    a = array.array("Q")
    if a.itemsize != 8:  # pragma: no cover
        raise RuntimeError("array('Q') is not 64-bit on this platform")
    return a


# -- Live facts -----------------------------------------------------------------------

def probe_small_int_range(limit=10_000):
    """Returns (low, high, cached): the ints CPython hands out as shared objects.

    Measured, never assumed: ``int(str(n)) is int(str(n))`` holds exactly for cached
    values. ``cached`` holds the cached objects themselves, low to high.
    """
    def is_cached(n):
        return int(str(n)) is int(str(n))

    if not is_cached(0):
        return 0, -1, []
    high = 0
    while high < limit and is_cached(high + 1):
        high += 1
    low = 0
    while low > -limit and is_cached(low - 1):
        low -= 1
    return low, high, [int(str(n)) for n in range(low, high + 1)]


def small_int_ids(low=-10, high=300):
    """For each n in low..high: (n, id(a), id(b)) where a and b are two ints made from
    the text of n, one after the other (``int(str(n))``): the same id means CPython
    handed out its cached object. Every int made is kept until the end, so a freed
    object's address cannot be reused for the next one and fake a repeat."""
    made = []
    out = []
    for n in range(low, high + 1):
        a = int(str(n))
        b = int(str(n))
        made.append((a, b))
        out.append((n, id(a), id(b)))
    return out


_is_immortal = getattr(sys, "_is_immortal", None)  # bound now, as the rest of sys
_is_interned = getattr(sys, "_is_interned", None)


def _immortality_test():
    """Returns a function telling whether an object is immortal (PEP 683), or None."""
    is_immortal = _is_immortal  # 3.14+
    if is_immortal is not None:
        return is_immortal
    if sys.version_info < (3, 12):
        return None
    # On 3.12 and 3.13 an immortal object's refcount reads as a fixed huge value; None is
    # immortal there, so its count is the marker.
    marker = getrefcount(None)
    return lambda o: getrefcount(o) >= marker


_platform_facts = None


def platform_facts():
    """The interpreter this runs in, as the snapshot header records it (worked out once:
    importing platform and sysconfig is slow)."""
    global _platform_facts
    if _platform_facts is None:
        _platform_facts = _read_platform_facts()
    return _platform_facts


def _read_platform_facts():
    info = sys.version_info
    levels = {"alpha": RELEASE_LEVEL_ALPHA, "beta": RELEASE_LEVEL_BETA,
              "candidate": RELEASE_LEVEL_CANDIDATE, "final": RELEASE_LEVEL_FINAL}
    runtime = "native"
    if sys.platform == "emscripten":
        try:
            import pyodide  # noqa: PLC0415 - only present under Pyodide

            runtime = "Pyodide " + pyodide.__version__
        except ImportError:
            runtime = "Emscripten"
    machine = sys.platform
    try:
        import platform  # noqa: PLC0415

        machine = sys.platform + "-" + (platform.machine() or "unknown")
    except Exception:  # noqa: BLE001 - the name is cosmetic
        pass
    free_threaded = False
    try:
        import sysconfig  # noqa: PLC0415

        free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    except Exception:  # noqa: BLE001
        pass
    return {
        "pointer_size": struct.calcsize("P"),
        "version": (info.major, info.minor, info.micro, levels.get(info.releaselevel, RELEASE_LEVEL_FINAL),
                    info.serial),
        "implementation": "CPython" if sys.implementation.name == "cpython"
        else sys.implementation.name,
        "python_version": sys.version,
        "runtime": runtime,
        "machine": machine,
        "free_threaded": free_threaded,
    }


# -- Labels ---------------------------------------------------------------------------

def _shorten(text, limit=LABEL_CHARS):
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def short_label(obj):
    """A short, safe description of a builtin scalar (no user code runs), or None."""
    t = type(obj)
    if t is bool or obj is None:
        return repr(obj)
    if t is int:
        if -(10 ** 15) < obj < 10 ** 15:
            return str(obj)
        # str() of a huge int is slow (and refused past 4300 digits): say its size instead.
        try:
            return "\u2248%.4g" % float(obj)  # "~1e+100"
        except OverflowError:
            return "%s bits" % format(obj.bit_length(), ",")
    if t is float or t is complex:
        return _shorten(repr(obj))
    if t is str or t is bytes:
        return _shorten(repr(obj[: LABEL_CHARS + 2]))
    return None


def key_label(key):
    """How a dict key is shown on the edges to it and to its value."""
    label = short_label(key)
    if label is not None:
        return label
    if type(key) is tuple and len(key) <= 4:
        parts = [short_label(k) for k in key]
        if all(p is not None for p in parts):
            return _shorten("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")")
    return "<%s>" % safe.qualname(type(key))


_PLAIN_ARGS = (str, int, float, bool, bytes, type(None))


def _exception_text(exc):
    """Type and message of an exception ("KeyError: 'k'"), without running user code: a
    class's own __str__ is not called, and arguments that are not plain values are named
    by type ("KeyError: <Key object>"), since their __str__ or __repr__ may raise or loop."""
    t = type(exc)
    name = safe.qualname(t)
    try:
        args = BaseException.args.__get__(exc)
        if all(type(a) in _PLAIN_ARGS for a in args):
            # CPython's own exceptions format plain arguments without user code; a user
            # class gets BaseException's text, whatever its own __str__ does.
            # A class "from builtins" is one CPython made (not a heap type): a program's class
            # may claim __module__ = "builtins", but it cannot stop being a heap type.
            builtin = not safe.is_heap_type(t)
            message = t.__str__(exc) if builtin else BaseException.__str__(exc)
        else:
            message = ", ".join(short_label(a) or "<%s object>" % safe.qualname(type(a)) for a in args)
    except Exception:  # noqa: BLE001 - e.g. str() of a huge int is refused
        message = ""
    return "%s: %s" % (name, _shorten(message, 200)) if message else name


# -- Sizes without the program's code -------------------------------------------------

# What a C type's __sizeof__ looks like in a class's namespace; anything else is the
# program's code, which the probe never calls.
_C_METHODS = (types.MethodDescriptorType, types.WrapperDescriptorType, types.BuiltinFunctionType,
              types.BuiltinMethodType)
_OBJECT_SIZEOF = object.__dict__["__sizeof__"]


def _c_sizeof(t):
    """The __sizeof__ CPython's own code has for objects of t: the first one in t's MRO
    that is C code (a class's own Python __sizeof__ is skipped)."""
    for klass in safe.mro(t):
        method = safe.namespace(klass).get("__sizeof__")
        if method is not None and type(method) in _C_METHODS:
            return method
    return _OBJECT_SIZEOF


# What sys.getsizeof adds to __sizeof__ (Python/sysmodule.c): the GC header for types
# with Py_TPFLAGS_HAVE_GC, and from 3.11 the managed pre-header (dict pointer, and from
# 3.12 the weakref list) for types with those flags (Include/internal/pycore_object.h
# _PyType_PreHeaderSize). Both are measured here, on CPython's own objects.
class _Sample:
    pass


_GC_HEADER = getsizeof([]) - list.__dict__["__sizeof__"]([])
_PREHEADER_FLAGS = (1 << 3 | 1 << 4) if sys.version_info >= (3, 12) else (1 << 4) if sys.version_info >= (3, 11) else 0
_PREHEADER = getsizeof(_Sample()) - _OBJECT_SIZEOF(_Sample()) - _GC_HEADER if _PREHEADER_FLAGS else 0


def _added_by_getsizeof(t):
    f = safe.flags(t)
    return (_GC_HEADER if f & safe.Py_TPFLAGS_HAVE_GC else 0) + (_PREHEADER if f & _PREHEADER_FLAGS else 0)


def own_sizeof_free_size(obj):
    """sys.getsizeof(obj) as CPython's own code computes it for obj's layout, for an object
    whose class defines __sizeof__ in Python (which is not called)."""
    t = type(obj)
    return _c_sizeof(t)(obj) + _added_by_getsizeof(t)


# -- Capture --------------------------------------------------------------------------

def own_sizeof_message(t, size):
    """The diagnostic about a class with its own __sizeof__, for its object of ``size``."""
    return ("%s defines its own __sizeof__, which is the program's code: Bytewise does not run "
            "it while measuring, so its objects are sized by CPython's own __sizeof__ for their "
            "layout (%d bytes for this one), not by what that method would claim." % (safe.qualname(t), size))


class _StringTable:
    def __init__(self):
        self.index = {}
        self.ends = _u32_array()
        self.data = bytearray()

    def add(self, text):
        found = self.index.get(text)
        if found is not None:
            return found
        self.data += text.encode("utf-8", "backslashreplace")
        self.ends.append(len(self.data))
        self.index[text] = len(self.ends) - 1
        return len(self.ends) - 1


def _range_length(r):
    """len() of a range, which overflows for huge ones (range(10**20)); kept in 64 bits."""
    try:
        return len(r)
    except OverflowError:
        step = r.step
        n = (r.stop - r.start + step - (1 if step > 0 else -1)) // step
        return min(max(n, 0), _U64_MAX)


def _category_of_type(t):
    if issubclass(t, type):
        return NODE_CATEGORY_TYPE_OBJECT
    if issubclass(t, types.ModuleType):
        return NODE_CATEGORY_MODULE
    if issubclass(t, (types.FunctionType, types.BuiltinFunctionType)):
        return NODE_CATEGORY_FUNCTION
    if issubclass(t, types.CodeType):
        return NODE_CATEGORY_CODE
    if issubclass(t, types.FrameType):
        return NODE_CATEGORY_FRAME
    return NODE_CATEGORY_ORDINARY


class _TypeInfo:
    """What the probe needs to know about every object of one type, worked out once."""

    __slots__ = ("name", "flags", "builtin_sizeof", "has_length", "labelled", "expandable",
                 "shape")

    def __init__(self, t, strings, policy):
        self.name = strings.add(safe.qualname(t))
        category = _category_of_type(t)
        self.flags = category << NODE_FLAG_CATEGORY_SHIFT
        if (category == NODE_CATEGORY_TYPE_OBJECT and not policy.follow_types) or \
                (category == NODE_CATEGORY_MODULE and not policy.follow_modules) or \
                (category == NODE_CATEGORY_CODE and not policy.follow_code):
            self.flags |= NODE_FLAG_NOT_FOLLOWED
        # sys.getsizeof finds __sizeof__ as safe.lookup does: when that is C code, it runs
        # none of the program's code. A class's own Python __sizeof__ is never called.
        self.builtin_sizeof = type(safe.lookup(t, "__sizeof__")) in _C_METHODS
        self.has_length = t in _LENGTH_TYPES
        if self.has_length:
            self.flags |= NODE_FLAG_HAS_LENGTH
        self.labelled = t in _LABEL_TYPES
        self.expandable = t not in edges_mod.ATOMIC_TYPES
        self.shape = shapes_mod.family(t)  # None: per-object facts (shapes_mod.shape)


class _Capture:
    """One capture: objects become nodes in breadth-first order, in batches, so that the
    per-object work runs in CPython's C loops (map over builtins) wherever it can."""

    def __init__(self, object_cap, edge_cap, policy, label_cap=LABEL_CAP, pruned=False):
        self.object_cap = object_cap
        self.edge_cap = edge_cap
        self.policy = policy
        # Kinds of reference whose targets are not recorded at all (pruned captures): the
        # ones the policy does not count, so a function's globals are not walked.
        self.pruned = frozenset(
            kind for kind, followed in ((EDGE_KIND_GLOBALS, policy.follow_globals), (EDGE_KIND_CODE, policy.follow_code),
                                        (EDGE_KIND_TYPE, policy.follow_types))
            if not followed) if pruned else frozenset()
        self.label_cap = label_cap
        self.strings = _StringTable()
        self.index_of = {}  # id -> node index
        self.keep = []  # every captured object, alive until the snapshot is written
        self.type_info = {}
        self.own_sizeof_classes = set()  # classes with a Python __sizeof__ seen so far
        self.address = _u64_array()
        self.type = _u32_array()
        self.size = _u64_array()
        self.length = _u64_array()
        self.shape = _u64_array()
        self.flags = _u32_array()
        self.label = _u32_array()
        self.edge_offsets = _u32_array()
        self.edge_target = _u32_array()
        self.edge_kind = bytearray()
        self.edge_label = _u32_array()
        self.diagnostics = []  # (node or None, code, message)
        self.hints = {}
        self.truncated = False
        self.expandable = []  # nodes that may have references, in index order
        self.layouts = {}  # class -> its instances' edge layout (or None: use the rules)
        low, high, cached = probe_small_int_range()
        self.small_low, self.small_high = low, high
        self.small_ids = set(map(id, cached))  # the cached ints are the objects themselves
        self.is_immortal = _immortality_test()
        self.is_interned = _is_interned  # 3.13+

    def diagnose(self, node, code, message):
        self.diagnostics.append((node, code, message))

    # Nodes -----------------------------------------------------------------------

    def _info(self, t):
        info = self.type_info.get(t)
        if info is None:
            info = self.type_info[t] = _TypeInfo(t, self.strings, self.policy)
        return info

    def _own_sizeof(self, obj, index):
        """The size of an object whose class defines __sizeof__ in Python: CPython's own
        __sizeof__ for its layout, plus what getsizeof adds. The first object of each such
        class gets a diagnostic naming the class."""
        t = type(obj)
        size = own_sizeof_free_size(obj)
        if t not in self.own_sizeof_classes:
            self.own_sizeof_classes.add(t)
            self.diagnose(index, "probe.own_sizeof", own_sizeof_message(t, size))
        return size

    def add(self, objs, ids=None):
        """Records objects never seen before (and distinct) as the next nodes, in order.
        ``ids``, when given, maps id(obj) -> its new index for exactly these objects.
        Returns how many fitted under the object cap. The per-object work is done with
        map() over builtins, which loops in C."""
        room = self.object_cap - len(self.keep)
        if len(objs) > room:
            objs = objs[:room]
            ids = None
            self.truncated = True
        if not objs:
            return 0
        start = len(self.keep)
        if ids is None:
            ids = list(map(id, objs))
            self.index_of.update(zip(ids, range(start, start + len(objs))))
        else:
            self.index_of.update(ids)
            ids = list(ids)
        self.keep.extend(objs)
        obj_types = list(map(type, objs))
        distinct_types = set(obj_types)
        for t in distinct_types:
            self._info(t)
        infos = list(map(self.type_info.__getitem__, obj_types))
        if all(self.type_info[t].builtin_sizeof for t in distinct_types):
            sizes = list(map(getsizeof, objs))
        else:
            sizes = [getsizeof(o) if info.builtin_sizeof else self._own_sizeof(o, start + i)
                     for i, (o, info) in enumerate(zip(objs, infos))]
        flags = [info.flags for info in infos]
        # A bool times a flag is the flag or 0; map() keeps the loops in C.
        flags = list(map(or_, flags, map(mul, map(is_tracked, objs), repeat(NODE_FLAG_GC_TRACKED))))
        if self.is_immortal is not None:
            flags = list(map(or_, flags, map(mul, map(self.is_immortal, objs), repeat(NODE_FLAG_IMMORTAL))))
        if _heap_base is not None:
            heap_base = _heap_base
            flags = [f | NODE_FLAG_STATIC_OBJECT if i < heap_base else f for f, i in zip(flags, ids)]
        small = list(map(self.small_ids.__contains__, ids))
        if any(small):
            flags = [f | NODE_FLAG_SMALL_INT if s else f for f, s in zip(flags, small)]
        if self.is_interned is not None and str in distinct_types:
            is_interned = self.is_interned
            flags = [f | NODE_FLAG_INTERNED if t is str and is_interned(o) else f
                     for f, t, o in zip(flags, obj_types, objs)]
        lengths = [(len(o) if type(o) is not range else _range_length(o)) if info.has_length else 0
                   for o, info in zip(objs, infos)]
        shape = shapes_mod.shape
        shapes = [shape(o) if info.shape is None else info.shape for o, info in zip(objs, infos)]
        label_room = self.label_cap - start
        if label_room > 0:
            add = self.strings.add
            labels = [add(short_label(o)) if info.labelled and i < label_room else NO_STRING
                      for i, (o, info) in enumerate(zip(objs, infos))]
        else:
            labels = repeat(NO_STRING, len(objs))
        self.address.extend(ids)
        self.type.extend([info.name for info in infos])
        self.size.extend(sizes)
        self.length.extend(lengths)
        self.shape.extend(shapes)
        self.flags.extend(flags)
        self.label.extend(labels)
        for i, info in enumerate(infos):
            if info.expandable and not flags[i] & NODE_FLAG_NOT_FOLLOWED:
                self.expandable.append(start + i)
        return len(objs)

    # Edges -----------------------------------------------------------------------

    def _capped(self, index, obj, count):
        """True (and noted) when an object has more references than the edge cap."""
        if count > self.edge_cap:
            self.flags[index] |= NODE_FLAG_TRUNCATED
            self.diagnose(index, "probe.edge_cap",
                          "Only the first %s references of this %s were read (edge cap)." % (
                              format(self.edge_cap, ","), safe.qualname(type(obj))))
            return True
        return False

    def _instance_layout(self, obj):
        """For a plain class: (layout, edge kinds, edge labels) of its instances' edges."""
        layout = edges_mod.instance_layout(obj)
        if layout is None:
            return None
        names = layout[0]
        kinds = bytes([EDGE_KIND_ATTRIBUTE] * len(names) + [EDGE_KIND_TYPE])
        labels = _u32_array()
        labels.extend([self.strings.add(name) for name in names] + [NO_STRING])
        return layout, kinds, labels

    def _references(self, index, obj, t, targets, kinds, labels):
        """Appends obj's references to the batch lists; returns how many."""
        if (t is list or t is tuple) and id(obj) not in self.hints:
            items = list(islice(obj, self.edge_cap)) if self._capped(index, obj, len(obj)) else obj
            n = len(items)
            targets.extend(items)
            kinds.extend(_INDEX_KIND * n)
            labels.extend(range(n))
            return n
        if t is dict:
            pairs = list(islice(dict.items(obj), self.edge_cap // 2)) \
                if self._capped(index, obj, 2 * len(obj)) else dict.items(obj)
            n = 0
            add = self.strings.add
            for key, value in pairs:
                label = add(key_label(key))
                targets.append(key)
                targets.append(value)
                labels.append(label)
                labels.append(label)
                n += 2
            kinds.extend(_DICT_KINDS * (n // 2))
            return n
        try:
            found = edges_mod.references(obj, self.policy, self.hints, self.edge_cap + 1)
        except Exception as exc:  # noqa: BLE001 - no object may stop the capture
            self.flags[index] |= NODE_FLAG_TRUNCATED
            self.diagnose(index, "probe.references_failed",
                          "Reading the references of a %s failed (%s); its size is known, what "
                          "it points to is not." % (safe.qualname(t), _exception_text(exc)))
            return 0
        if self.pruned:
            pruned = self.pruned
            found = [f for f in found if f[1] not in pruned]
        if self._capped(index, obj, len(found)):
            found = found[: self.edge_cap]
        add = self.strings.add
        for target, kind, label in found:
            targets.append(target)
            kinds.append(kind)
            if kind == EDGE_KIND_INDEX:
                labels.append(label)
            elif kind == EDGE_KIND_DICT_KEY or kind == EDGE_KIND_DICT_VALUE:
                labels.append(add(key_label(label)))
            else:
                labels.append(NO_STRING if label is None else add(label))
        return len(found)

    def _plain_sequences(self, objs):
        """The references of a run of plain lists and tuples, flattened in C."""
        lengths = list(map(len, objs))
        targets = list(chain.from_iterable(objs))
        labels = _u32_array()
        labels.extend(chain.from_iterable(map(range, lengths)))
        return targets, _INDEX_KIND * len(targets), labels, lengths

    def expand(self, start, end):
        """Records the references of nodes [start, end), in index order, as one batch:
        their targets are looked up and the new ones added together, which keeps the
        breadth-first numbering of a one-at-a-time walk. Only nodes that can have
        references are visited; the others get empty edge ranges. Runs of plain lists and
        tuples (the bulk of most data) are read in one C-level pass."""
        keep = self.keep
        targets, kinds, labels = [], bytearray(), _u32_array()
        counts = {}  # node -> edges, for the nodes visited, ascending
        expandable = self.expandable
        lo = bisect_left(expandable, start)
        hi = bisect_left(expandable, end)
        hints, cap = self.hints, self.edge_cap
        run_nodes, run_objs = [], []

        def flush_run():
            if not run_nodes:
                return
            t, k, lab, lengths = self._plain_sequences(run_objs)
            targets.extend(t)
            kinds.extend(k)
            labels.extend(lab)
            counts.update(zip(run_nodes, lengths))
            run_nodes.clear()
            run_objs.clear()

        for index in expandable[lo:hi]:
            obj = keep[index]
            t = type(obj)
            if (t is list or t is tuple) and len(obj) <= cap and id(obj) not in hints:
                run_nodes.append(index)
                run_objs.append(obj)
                continue
            flush_run()
            counts[index] = self.references_of(index, obj, targets, kinds, labels)
        flush_run()
        index_of = self.index_of
        found = list(map(index_of.get, map(id, targets)))
        if None in found:
            # New objects get the next indices in order of first appearance; `pending`
            # numbers them before add() records them.
            next_index = len(keep)
            pending, new = {}, []
            for i, n in enumerate(found):
                if n is None:
                    obj = targets[i]
                    j = pending.setdefault(id(obj), next_index)
                    if j == next_index:
                        new.append(obj)
                        next_index += 1
                    found[i] = j
            added = self.add(new, ids=pending)
            if added < len(new):
                limit = len(keep)
                found = [n if n < limit else None for n in found]
                per_node = [counts.get(i, 0) for i in range(start, end)]
                found, kinds, labels, per_node = self._drop_left_out(start, found, kinds, labels, per_node)
                counts = {start + i: c for i, c in enumerate(per_node) if c}
        offsets = self.edge_offsets
        running = len(self.edge_target)
        previous = start
        for index, count in counts.items():
            offsets.extend(repeat(running, index - previous + 1))
            running += count
            previous = index + 1
        offsets.extend(repeat(running, end - previous))
        self.edge_target.extend(found)
        self.edge_kind.extend(kinds)
        self.edge_label.extend(labels)

    def references_of(self, index, obj, targets, kinds, labels):
        """Appends the references of one object (node ``index``) to the batch lists, as
        expand() records them outside a run of plain sequences; returns how many."""
        t = type(obj)
        layout = self.layouts.get(t, False)
        if layout is False:
            layout = self.layouts[t] = self._instance_layout(obj)
        if layout is not None:
            values = edges_mod.plain_instance_values(obj, layout[0])
            if values is not None:
                targets.extend(values)
                targets.append(t)
                kinds.extend(layout[1])
                labels.extend(layout[2])
                return len(values) + 1
        return self._references(index, obj, t, targets, kinds, labels)

    def text(self, string):
        """The text of string ``string`` of the table, as the snapshot holds it."""
        ends = self.strings.ends
        start = ends[string - 1] if string else 0
        return self.strings.data[start:ends[string]].decode("utf-8")

    def _drop_left_out(self, start, found, kinds, labels, counts):
        """Removes edges to objects the object cap left out (found is None there); marks
        their sources truncated."""
        kept_found, kept_kinds, kept_labels, kept_counts = [], bytearray(), _u32_array(), []
        edge = 0
        for offset, count in enumerate(counts):
            kept = 0
            for _ in range(count):
                if found[edge] is not None:
                    kept_found.append(found[edge])
                    kept_kinds.append(kinds[edge])
                    kept_labels.append(labels[edge])
                    kept += 1
                edge += 1
            if kept < count:
                self.flags[start + offset] |= NODE_FLAG_TRUNCATED
            kept_counts.append(kept)
        return kept_found, kept_kinds, kept_labels, kept_counts

    def run(self, roots):
        names, objects = [], []
        for name, obj in roots.items():
            names.append(str(name))
            objects.append(obj)
        self.add(list({id(o): o for o in objects}.values()))
        root_pairs = []
        for name, obj in zip(names, objects):
            index = self.index_of.get(id(obj))
            if index is not None:
                root_pairs.append((self.strings.add(name), index))
        expanded = 0
        while expanded < len(self.keep):
            end = min(len(self.keep), expanded + _BATCH)
            self.expand(expanded, end)
            expanded = end
        self.edge_offsets.append(len(self.edge_target))
        objects = obj = None  # the probe's last references to the roots, before counting
        self.refcount = self._refcounts(roots)
        return root_pairs

    def _refcounts(self, roots):
        """References to each captured object from outside the probe: sys.getrefcount
        less what the probe itself holds. A sentinel kept the same way measures the probe's
        share (its list, the call); the roots mapping holds its names and values too.
        REFCOUNT_UNKNOWN for immortal objects, and for classes and code objects, which the
        probe's caches also hold."""
        keep = self.keep
        sentinel = object()
        keep.append(sentinel)
        try:
            counts = list(map(getrefcount, keep))
        finally:
            keep.pop()
        own = counts.pop() - 1  # less the local name `sentinel`
        held = {}
        for obj in list(roots.keys()) + list(roots.values()):
            held[id(obj)] = held.get(id(obj), 0) + 1
        unknown = (NODE_CATEGORY_TYPE_OBJECT << NODE_FLAG_CATEGORY_SHIFT,
                   NODE_CATEGORY_CODE << NODE_FLAG_CATEGORY_SHIFT)
        out = _u32_array()
        out.extend([REFCOUNT_UNKNOWN if f & NODE_FLAG_IMMORTAL or (f & NODE_FLAG_CATEGORY_MASK) in unknown
                    else n - own for n, f in zip(counts, self.flags)])
        index_of = self.index_of
        for key, extra in held.items():
            i = index_of.get(key)
            if i is not None and out[i] != REFCOUNT_UNKNOWN:
                out[i] = max(0, out[i] - extra)
        return out


# -- Writing --------------------------------------------------------------------------

def _le(arr):
    if sys.byteorder == "big":  # pragma: no cover - wasm32 and x86-64 are little-endian
        arr = array.array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def _sections(c, root_pairs, facts):
    s = c.strings

    def meta_string(text):
        return s.add(text) if text else NO_STRING

    major, minor, micro, level, serial = facts["version"]
    flags = META_FLAG_SMALL_INTS_PROBED
    if c.truncated:
        flags |= META_FLAG_TRUNCATED
    if facts["free_threaded"]:
        flags |= META_FLAG_FREE_THREADED
    if c.is_interned is not None:
        flags |= META_FLAG_INTERNED_KNOWN
    if _heap_base is not None:
        flags |= META_FLAG_STATIC_KNOWN
    meta = bytearray(META_SIZE)
    for offset, code, value in (
        (META_OFFSET_NODE_COUNT, "I", len(c.keep)),
        (META_OFFSET_EDGE_COUNT, "I", len(c.edge_target)),
        (META_OFFSET_ROOT_COUNT, "I", len(root_pairs)),
        (META_OFFSET_POINTER_SIZE, "B", facts["pointer_size"]),
        (META_OFFSET_PYTHON_MAJOR, "B", major),
        (META_OFFSET_PYTHON_MINOR, "B", minor),
        (META_OFFSET_PYTHON_MICRO, "B", micro),
        (META_OFFSET_RELEASE_LEVEL, "B", level),
        (META_OFFSET_RELEASE_SERIAL, "B", serial),
        (META_OFFSET_CAPTURE_FLAGS, "H", flags),
        (META_OFFSET_SMALL_INT_MIN, "i", c.small_low),
        (META_OFFSET_SMALL_INT_MAX, "i", c.small_high),
        (META_OFFSET_OBJECT_CAP, "I", c.object_cap),
        (META_OFFSET_POLICY, "I", c.policy.bits()),
        (META_OFFSET_IMPLEMENTATION, "I", meta_string(facts["implementation"])),
        (META_OFFSET_PYTHON_VERSION, "I", meta_string(facts["python_version"])),
        (META_OFFSET_RUNTIME, "I", meta_string(facts["runtime"])),
        (META_OFFSET_MACHINE, "I", meta_string(facts["machine"])),
        (META_OFFSET_RESERVED, "I", 0),
    ):
        struct.pack_into("<" + code, meta, offset, value)
    roots = _u32_array()
    for name, node in root_pairs:
        roots.append(name)
        roots.append(node)
    diagnostics = _u32_array()
    for node, code, message in c.diagnostics:
        diagnostics.append(NO_NODE if node is None else node)
        diagnostics.append(s.add(code))
        diagnostics.append(s.add(message))
    strings = struct.pack("<I", len(s.ends)) + _le(s.ends) + bytes(s.data)
    return [
        (SECTION_META, bytes(meta)),
        (SECTION_STRINGS, strings),
        (SECTION_NODE_ADDRESS, _le(c.address)),
        (SECTION_NODE_TYPE, _le(c.type)),
        (SECTION_NODE_SIZE, _le(c.size)),
        (SECTION_NODE_LENGTH, _le(c.length)),
        (SECTION_NODE_SHAPE, _le(c.shape)),
        (SECTION_NODE_REFCOUNT, _le(c.refcount)),
        (SECTION_NODE_FLAGS, _le(c.flags)),
        (SECTION_NODE_LABEL, _le(c.label)),
        (SECTION_EDGE_OFFSETS, _le(c.edge_offsets)),
        (SECTION_EDGE_TARGET, _le(c.edge_target)),
        (SECTION_EDGE_KIND, bytes(c.edge_kind)),
        (SECTION_EDGE_LABEL, _le(c.edge_label)),
        (SECTION_ROOTS, _le(roots)),
        (SECTION_DIAGNOSTICS, struct.pack("<I", len(c.diagnostics)) + _le(diagnostics)),
    ]


def _assemble(sections):
    def align(n):
        return -(-n // SNAPSHOT_SECTION_ALIGNMENT) * SNAPSHOT_SECTION_ALIGNMENT

    if len(sections) > SNAPSHOT_MAX_SECTIONS:  # pragma: no cover - the probe writes 16
        raise ValueError("a snapshot holds at most %d sections" % SNAPSHOT_MAX_SECTIONS)
    # Sections start aligned; the last one ends the snapshot (no trailing padding).
    directory_end = SNAPSHOT_HEADER_SIZE + SNAPSHOT_DIRECTORY_ENTRY_SIZE * len(sections)
    offset = align(directory_end)
    directory = bytearray()
    body = bytearray()
    for i, (tag, data) in enumerate(sections):
        directory += tag + struct.pack("<III", offset, len(data), 0)  # reserved: 0
        last = i == len(sections) - 1
        body += data + (b"" if last else b"\0" * (align(len(data)) - len(data)))
        offset = align(offset + len(data))
    header = SNAPSHOT_MAGIC + struct.pack("<HHI", SNAPSHOT_MAJOR_VERSION, SNAPSHOT_MINOR_VERSION, len(sections))
    padding = b"\0" * (align(directory_end) - directory_end)
    return bytes(header + directory + padding + body)


# -- Public API -------------------------------------------------------------------------

def make_policy(follow_types=False, follow_modules=False, follow_globals=False, follow_code=False):
    return Policy(follow_types, follow_modules, follow_globals, follow_code)


# The probe walks objects in Python, about ten times slower than the core's heap walker and
# with lists of its own in the program's heap: where it captures instead of the walker
# (runner.run_and_capture) and for each step of a trace, it stops at this many objects
# whatever the object cap, and says so.
OWN_OBJECT_CAP = 1_000_000


def capture(roots, object_cap, policy, edge_cap, diagnostics=(), pruned=False, own_limit=None):
    """Captures the objects reachable from ``roots`` (a name -> object mapping).

    Returns the snapshot as bytes. At most ``object_cap`` objects are recorded, and at
    most ``edge_cap`` references of any one object (the caps and their defaults come from
    the core's option table: the runner passes them; ``policy`` None follows the
    defaults); when either limit is hit the
    snapshot says so (truncated flags and diagnostics). ``diagnostics`` are extra
    (code, message) findings of the caller to carry in the snapshot. ``pruned``: leave
    out the targets of references the policy does not count (a function's globals, code
    and type when not followed), for captures that will only ever be read under this
    policy (the steps of a trace); sizes under the policy are the same. ``own_limit``: the
    probe captures in the heap walker's stead or for a trace's step, so at most
    OWN_OBJECT_CAP objects whatever ``object_cap``; where that limit is reached, the
    snapshot says so with this text, formatted with the limit and ``object_cap``.
    """
    for name, value in (("object_cap", object_cap), ("edge_cap", edge_cap)):
        if type(value) is not int or value < 1:
            raise ValueError("%s must be a positive int, got %r" % (name, value))
    note = None
    if own_limit is not None and object_cap > OWN_OBJECT_CAP:
        note = ("probe.object_cap", own_limit.format(OWN_OBJECT_CAP, object_cap))
        object_cap = OWN_OBJECT_CAP
    c = _Capture(object_cap, edge_cap, policy or DEFAULT_POLICY, pruned=pruned)
    for code, message in diagnostics:
        c.diagnose(None, code, message)
    root_pairs = c.run(roots)
    if note is not None and c.truncated:
        c.diagnose(None, *note)
    return _assemble(_sections(c, root_pairs, platform_facts()))


def user_names(namespace):
    """The user's own variables in a module namespace: no dunders, no imported modules."""
    return {
        name: value
        for name, value in namespace.items()
        if not (name.startswith("__") and name.endswith("__"))
        and not issubclass(type(value), types.ModuleType)
    }


def capture_namespace(namespace, object_cap, policy, edge_cap):
    """Captures a program's global variables (see user_names) as roots."""
    return capture(user_names(namespace), object_cap, policy, edge_cap)
