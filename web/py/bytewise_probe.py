"""Bytewise probe: asks CPython about the objects a program made and writes a snapshot.

The probe only observes. It records, for every object reachable from the roots it is
given, what CPython itself reports (``id``, type, ``sys.getsizeof``, length, a short
label) and the labelled references between objects, then writes them as columns in the
binary snapshot format of docs/snapshot-format.md. All analysis happens in the C++ core.

Use::

    import bytewise_probe
    data = bytewise_probe.capture({"x": [1, 2, 3]})      # bytes, a format-1.0 snapshot
    data = bytewise_probe.capture_namespace(globals())   # user-defined globals as roots

Rules it follows:
  * No recursion: a breadth-first walk with an explicit queue, so a list nested 100,000
    deep is captured like a flat one.
  * Nothing it does may change what it measures: it keeps every object it saw alive
    until the snapshot is written (so no id is reused), and it never reads ``__dict__``
    of an instance (on CPython 3.13+ that creates a dict object that did not exist).
  * It never calls user-defined ``__repr__``; labels come from builtin types only.
  * Type objects, modules, functions' globals and code objects are recorded where a root
    names them, but references to them are not followed (the capture policy).
"""

import array
import gc
import struct
import sys
import types

FORMAT_MAJOR = 1
FORMAT_MINOR = 0
MAGIC = b"BYTEWISE"
NO_STRING = 0xFFFFFFFF
DEFAULT_OBJECT_CAP = 200_000

# Edge kinds (docs/snapshot-format.md, "Edge kinds").
EDGE_INDEX = 0
EDGE_DICT_KEY = 1
EDGE_DICT_VALUE = 2
EDGE_ATTRIBUTE = 3
EDGE_SLOT = 4
EDGE_CLOSURE_CELL = 5
EDGE_FRAME_LOCAL = 6
EDGE_SET_MEMBER = 7
EDGE_OTHER = 8

# Node flags and categories (docs/snapshot-format.md, "Node flags").
FLAG_GC_TRACKED = 1 << 0
FLAG_IMMORTAL = 1 << 1
FLAG_INTERNED = 1 << 2
FLAG_SMALL_INT = 1 << 3
FLAG_TRUNCATED = 1 << 4
FLAG_HAS_LENGTH = 1 << 5
FLAG_NOT_FOLLOWED = 1 << 6
CATEGORY_SHIFT = 8
CATEGORY_TYPE = 1
CATEGORY_MODULE = 2
CATEGORY_FUNCTION = 3
CATEGORY_CODE = 4
CATEGORY_FRAME = 5

META_TRUNCATED = 1 << 0
META_SMALL_INTS_PROBED = 1 << 1
META_FREE_THREADED = 1 << 2

LABEL_CHARS = 24
_LENGTH_TYPES = (list, tuple, dict, set, frozenset, str, bytes, bytearray, array.array, range)
_LABEL_TYPES = (int, float, complex, str, bytes, bool, type(None))


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


def _immortality_test():
    """Returns a function telling whether an object is immortal (PEP 683), or None."""
    is_immortal = getattr(sys, "_is_immortal", None)  # 3.14+
    if is_immortal is not None:
        return is_immortal
    if sys.version_info < (3, 12):
        return None
    # On 3.12 and 3.13 an immortal object's refcount reads as a fixed huge value; None is
    # immortal there, so its count is the marker.
    marker = sys.getrefcount(None)
    return lambda o: sys.getrefcount(o) >= marker


def _platform_facts():
    info = sys.version_info
    levels = {"alpha": 0xA, "beta": 0xB, "candidate": 0xC, "final": 0xF}
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
        "version": (info.major, info.minor, info.micro, levels.get(info.releaselevel, 0xF),
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
        return "%s bits" % format(obj.bit_length(), ",")
    if t is float or t is complex:
        return _shorten(repr(obj))
    if t is str:
        return _shorten(repr(obj[: LABEL_CHARS + 2]) if len(obj) > LABEL_CHARS else repr(obj))
    if t is bytes:
        return _shorten(repr(obj[: LABEL_CHARS + 2]))
    return None


def key_label(key):
    """How a dict key is shown on the edge to its value."""
    label = short_label(key)
    if label is not None:
        return label
    if type(key) is tuple and len(key) <= 4:
        parts = [short_label(k) for k in key]
        if all(p is not None for p in parts):
            return _shorten("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")")
    return "<%s>" % type(key).__qualname__


# -- Capture --------------------------------------------------------------------------

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


class _Capture:
    def __init__(self, object_cap):
        self.object_cap = object_cap
        self.strings = _StringTable()
        self.index_of = {}  # id -> node index
        self.keep = []  # every captured object, alive until the snapshot is written
        self.address = _u64_array()
        self.type = _u32_array()
        self.size = _u64_array()
        self.length = _u64_array()
        self.flags = _u32_array()
        self.label = _u32_array()
        self.edge_offsets = _u32_array()
        self.edge_target = _u32_array()
        self.edge_kind = bytearray()
        self.edge_label = _u32_array()
        self.truncated = False
        low, high, cached = probe_small_int_range()
        self.small_low, self.small_high = low, high
        self.small_cached = cached
        self.is_immortal = _immortality_test()
        self.is_interned = getattr(sys, "_is_interned", None)  # 3.13+

    # Node ------------------------------------------------------------------------

    def node(self, obj):
        """Index of obj, adding it if new; None when the object cap is reached."""
        key = id(obj)
        found = self.index_of.get(key)
        if found is not None:
            return found
        if len(self.keep) >= self.object_cap:
            self.truncated = True
            return None
        index = len(self.keep)
        self.index_of[key] = index
        self.keep.append(obj)
        t = type(obj)
        flags = 0
        if gc.is_tracked(obj):
            flags |= FLAG_GC_TRACKED
        if self.is_immortal is not None and self.is_immortal(obj):
            flags |= FLAG_IMMORTAL
        if t is int and self.small_low <= obj <= self.small_high and \
                self.small_cached[obj - self.small_low] is obj:
            flags |= FLAG_SMALL_INT
        if t is str and self.is_interned is not None and self.is_interned(obj):
            flags |= FLAG_INTERNED
        length = 0
        if t in _LENGTH_TYPES:
            length = len(obj)
            flags |= FLAG_HAS_LENGTH
        category = _category(obj)
        if category:
            flags |= category << CATEGORY_SHIFT | FLAG_NOT_FOLLOWED
        try:
            size = sys.getsizeof(obj)
        except Exception:  # noqa: BLE001 - a user __sizeof__ may raise
            size = object.__sizeof__(obj)
        self.address.append(key)
        self.type.append(self.strings.add(t.__qualname__))
        self.size.append(size)
        self.length.append(length)
        self.flags.append(flags)
        label = short_label(obj)
        self.label.append(NO_STRING if label is None else self.strings.add(label))
        return index

    # Edges -----------------------------------------------------------------------

    def edge(self, source, target_obj, kind, label):
        if _is_excluded_target(target_obj):
            return
        target = self.node(target_obj)
        if target is None:
            self.flags[source] |= FLAG_TRUNCATED
            return
        self.edge_target.append(target)
        self.edge_kind.append(kind)
        self.edge_label.append(label)

    def expand(self, index):
        """Records the outgoing references of node `index` (called in index order)."""
        obj = self.keep[index]
        self.edge_offsets.append(len(self.edge_target))
        if self.flags[index] & FLAG_NOT_FOLLOWED:
            return
        t = type(obj)
        if t is list or t is tuple:
            for i, item in enumerate(obj):
                self.edge(index, item, EDGE_INDEX, i)
        elif isinstance(obj, dict):
            # dict.items of a builtin dict never runs user code; a subclass's overridden
            # items() is bypassed.
            for key, value in dict.items(obj):
                label = self.strings.add(key_label(key))
                self.edge(index, key, EDGE_DICT_KEY, label)
                self.edge(index, value, EDGE_DICT_VALUE, label)
        elif isinstance(obj, (set, frozenset)):
            for member in set.__iter__(obj) if isinstance(obj, set) else frozenset.__iter__(obj):
                self.edge(index, member, EDGE_SET_MEMBER, NO_STRING)
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(list.__iter__(obj) if isinstance(obj, list)
                                     else tuple.__iter__(obj)):
                self.edge(index, item, EDGE_INDEX, i)
        else:
            # Whatever CPython's own traversal reports (tp_traverse), which reads inline
            # attribute values without materialising a __dict__.
            for referent in gc.get_referents(obj):
                self.edge(index, referent, EDGE_OTHER, NO_STRING)

    def run(self, roots):
        root_pairs = []
        for name, obj in roots.items():
            index = self.node(obj)
            if index is not None:
                root_pairs.append((self.strings.add(str(name)), index))
        expanded = 0
        while expanded < len(self.keep):
            self.expand(expanded)
            expanded += 1
        self.edge_offsets.append(len(self.edge_target))
        return root_pairs


def _category(obj):
    if isinstance(obj, type):
        return CATEGORY_TYPE
    if isinstance(obj, types.ModuleType):
        return CATEGORY_MODULE
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return CATEGORY_FUNCTION
    if isinstance(obj, types.CodeType):
        return CATEGORY_CODE
    if isinstance(obj, types.FrameType):
        return CATEGORY_FRAME
    return 0


def _is_excluded_target(obj):
    """References to these are not followed by the default policy."""
    return isinstance(obj, (type, types.ModuleType, types.CodeType))


# -- Writing --------------------------------------------------------------------------

def _section_bytes(capture, root_pairs, facts):
    s = capture.strings

    def meta_string(text):
        return s.add(text) if text else NO_STRING

    major, minor, micro, level, serial = facts["version"]
    flags = META_SMALL_INTS_PROBED
    if capture.truncated:
        flags |= META_TRUNCATED
    if facts["free_threaded"]:
        flags |= META_FREE_THREADED
    meta = struct.pack(
        "<IIIBBBBBBHiiIIIIIII",
        len(capture.keep), len(capture.edge_target), len(root_pairs),
        facts["pointer_size"], major, minor, micro, level, serial, flags,
        capture.small_low, capture.small_high, capture.object_cap, 0,
        meta_string(facts["implementation"]), meta_string(facts["python_version"]),
        meta_string(facts["runtime"]), meta_string(facts["machine"]), 0,
    )
    roots = _u32_array()
    for name, node in root_pairs:
        roots.append(name)
        roots.append(node)
    strings = struct.pack("<I", len(s.ends)) + _le(s.ends) + bytes(s.data)
    return [
        (b"META", meta),
        (b"STRS", strings),
        (b"NADR", _le(capture.address)),
        (b"NTYP", _le(capture.type)),
        (b"NSIZ", _le(capture.size)),
        (b"NLEN", _le(capture.length)),
        (b"NFLG", _le(capture.flags)),
        (b"NLBL", _le(capture.label)),
        (b"EOFF", _le(capture.edge_offsets)),
        (b"ETGT", _le(capture.edge_target)),
        (b"EKND", bytes(capture.edge_kind)),
        (b"ELBL", _le(capture.edge_label)),
        (b"ROOT", _le(roots)),
    ]


def _le(arr):
    if sys.byteorder == "big":  # pragma: no cover - wasm32 and x86-64 are little-endian
        arr = array.array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def _assemble(sections):
    def align(n):
        return (n + 7) & ~7

    offset = align(16 + 16 * len(sections))
    directory = bytearray()
    body = bytearray()
    for tag, data in sections:
        directory += tag + struct.pack("<III", offset, len(data), 0)
        body += data + b"\0" * (align(len(data)) - len(data))
        offset = align(offset + len(data))
    header = MAGIC + struct.pack("<HHI", FORMAT_MAJOR, FORMAT_MINOR, len(sections))
    padding = b"\0" * (align(16 + len(directory)) - 16 - len(directory))
    return bytes(header + directory + padding + body)


def capture(roots, object_cap=DEFAULT_OBJECT_CAP):
    """Captures the objects reachable from ``roots`` (a name -> object mapping).

    Returns the snapshot as bytes. At most ``object_cap`` objects are recorded; when the
    cap is reached the snapshot says so (truncated) and marks each object with missing
    references.
    """
    if not isinstance(object_cap, int) or object_cap < 1:
        raise ValueError("object_cap must be a positive int, got %r" % (object_cap,))
    c = _Capture(object_cap)
    root_pairs = c.run(roots)
    return _assemble(_section_bytes(c, root_pairs, _platform_facts()))


def user_names(namespace):
    """The user's own variables in a module namespace: no dunders, no imported modules."""
    return {
        name: value
        for name, value in namespace.items()
        if not (name.startswith("__") and name.endswith("__"))
        and not isinstance(value, types.ModuleType)
    }


def capture_namespace(namespace, object_cap=DEFAULT_OBJECT_CAP):
    """Captures a program's global variables (see user_names) as roots."""
    return capture(user_names(namespace), object_cap)
