"""Bytewise probe: asks CPython about the objects a program made and writes a snapshot.

The probe only observes. For every object reachable from the roots it is given, it
records what CPython itself reports (``id``, type, ``sys.getsizeof``, length, a short
label) and the labelled references between objects (bytewise_edges.py decides which
references an object owns), then writes them as columns in the binary snapshot format of
docs/snapshot-format.md. All analysis happens in the C++ core.

Use::

    import bytewise_probe
    data = bytewise_probe.capture({"x": [1, 2, 3]})      # bytes, a format-1.x snapshot
    data = bytewise_probe.capture_namespace(globals())   # user-defined globals as roots

Rules it follows:
  * No recursion: a breadth-first walk with an explicit queue, so a list nested 100,000
    deep is captured like a flat one. Node indices are assigned in that order.
  * It keeps every object it saw alive until the snapshot is written, so no id is reused.
  * It runs no user code except a class's own ``__sizeof__`` (through ``sys.getsizeof``),
    and a failing one is reported, not fatal.
  * Bounded: at most ``object_cap`` objects, and at most ``edge_cap`` references read from
    any one object; the snapshot says where it stopped.
"""

import array
import gc
import struct
import sys
import types

import bytewise_edges as edges_mod
from bytewise_edges import DEFAULT_POLICY, EDGE_DICT_KEY, EDGE_DICT_VALUE, EDGE_INDEX, Policy

FORMAT_MAJOR = 1
FORMAT_MINOR = 1
MAGIC = b"BYTEWISE"
NO_STRING = 0xFFFFFFFF
NO_NODE = 0xFFFFFFFF
DEFAULT_OBJECT_CAP = 200_000
DEFAULT_EDGE_CAP = 1_000_000

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
META_INTERNED_KNOWN = 1 << 3

LABEL_CHARS = 24
_NO_KEY = object()  # "no dict key seen yet" (None is a valid key)
_LENGTH_TYPES = frozenset({list, tuple, dict, set, frozenset, str, bytes, bytearray, array.array,
                           range})


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


def platform_facts():
    """The interpreter this runs in, as the snapshot header records it."""
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
    return "<%s>" % type(key).__qualname__


def _exception_text(exc):
    """Type and message of an exception, without running a user-defined __str__."""
    try:
        message = BaseException.__str__(exc)
    except Exception:  # noqa: BLE001
        message = ""
    name = type(exc).__qualname__
    return "%s: %s" % (name, _shorten(message, 200)) if message else name


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


def _builtin_sizeof(t):
    """True when type t's __sizeof__ is CPython's own (C), so getsizeof runs no user code."""
    return not isinstance(getattr(t, "__sizeof__", None), types.FunctionType)


class _Capture:
    def __init__(self, object_cap, edge_cap, policy):
        self.object_cap = object_cap
        self.edge_cap = edge_cap
        self.policy = policy
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
        self.diagnostics = []  # (node or NO_NODE, code, message)
        self.hints = {}
        self.truncated = False
        low, high, cached = probe_small_int_range()
        self.small_low, self.small_high = low, high
        self.small_cached = cached
        self.is_immortal = _immortality_test()
        self.is_interned = getattr(sys, "_is_interned", None)  # 3.13+

    def diagnose(self, node, code, message):
        self.diagnostics.append((node, code, message))

    # Node ------------------------------------------------------------------------

    def _sizeof(self, obj, t, index):
        try:
            return sys.getsizeof(obj)
        except Exception as exc:  # noqa: BLE001 - a user __sizeof__ may raise anything
            fallback = object.__sizeof__(obj)
            self.diagnose(index, "probe.sizeof_failed",
                          "%s.__sizeof__ raised %s; its size is shown as object.__sizeof__, %d "
                          "bytes. Fix or remove that __sizeof__." % (
                              t.__qualname__, _exception_text(exc), fallback))
            return fallback

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
            flags |= category << CATEGORY_SHIFT
        if not edges_mod.expands(obj, self.policy):
            flags |= FLAG_NOT_FOLLOWED
        size = sys.getsizeof(obj) if _builtin_sizeof(t) else self._sizeof(obj, t, index)
        self.address.append(key)
        self.type.append(self.strings.add(t.__qualname__))
        self.size.append(size)
        self.length.append(length)
        self.flags.append(flags)
        label = short_label(obj)
        self.label.append(NO_STRING if label is None else self.strings.add(label))
        return index

    # Edges -----------------------------------------------------------------------

    def expand(self, index):
        """Records the outgoing references of node `index` (called in index order)."""
        obj = self.keep[index]
        self.edge_offsets.append(len(self.edge_target))
        if self.flags[index] & FLAG_NOT_FOLLOWED:
            return
        try:
            found = edges_mod.references(obj, self.policy, self.hints, self.edge_cap + 1)
        except Exception as exc:  # noqa: BLE001 - no object may stop the capture
            self.flags[index] |= FLAG_TRUNCATED
            self.diagnose(index, "probe.references_failed",
                          "Reading the references of a %s failed (%s); its size is known, what "
                          "it points to is not." % (type(obj).__qualname__, _exception_text(exc)))
            return
        if len(found) > self.edge_cap:
            found = found[: self.edge_cap]
            self.flags[index] |= FLAG_TRUNCATED
            self.diagnose(index, "probe.edge_cap",
                          "Only the first %s references of this %s were read (edge cap)." % (
                              format(self.edge_cap, ","), type(obj).__qualname__))
        strings = self.strings
        last_key, last_label = _NO_KEY, NO_STRING
        for target, kind, label in found:
            target_index = self.node(target)
            if target_index is None:
                self.flags[index] |= FLAG_TRUNCATED
                continue
            if kind == EDGE_INDEX:
                label_index = label
            elif kind == EDGE_DICT_KEY or kind == EDGE_DICT_VALUE:
                if label is not last_key:
                    last_key, last_label = label, strings.add(key_label(label))
                label_index = last_label
            else:
                label_index = NO_STRING if label is None else strings.add(label)
            self.edge_target.append(target_index)
            self.edge_kind.append(kind)
            self.edge_label.append(label_index)

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
    flags = META_SMALL_INTS_PROBED
    if c.truncated:
        flags |= META_TRUNCATED
    if facts["free_threaded"]:
        flags |= META_FREE_THREADED
    if c.is_interned is not None:
        flags |= META_INTERNED_KNOWN
    meta = struct.pack(
        "<IIIBBBBBBHiiIIIIIII",
        len(c.keep), len(c.edge_target), len(root_pairs),
        facts["pointer_size"], major, minor, micro, level, serial, flags,
        c.small_low, c.small_high, c.object_cap, c.policy.bits(),
        meta_string(facts["implementation"]), meta_string(facts["python_version"]),
        meta_string(facts["runtime"]), meta_string(facts["machine"]), 0,
    )
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
        (b"META", meta),
        (b"STRS", strings),
        (b"NADR", _le(c.address)),
        (b"NTYP", _le(c.type)),
        (b"NSIZ", _le(c.size)),
        (b"NLEN", _le(c.length)),
        (b"NFLG", _le(c.flags)),
        (b"NLBL", _le(c.label)),
        (b"EOFF", _le(c.edge_offsets)),
        (b"ETGT", _le(c.edge_target)),
        (b"EKND", bytes(c.edge_kind)),
        (b"ELBL", _le(c.edge_label)),
        (b"ROOT", _le(roots)),
        (b"DIAG", struct.pack("<I", len(c.diagnostics)) + _le(diagnostics)),
    ]


def _assemble(sections):
    def align(n):
        return (n + 7) & ~7

    # Sections start 8-aligned; the last one ends the snapshot (no trailing padding).
    offset = align(16 + 16 * len(sections))
    directory = bytearray()
    body = bytearray()
    for i, (tag, data) in enumerate(sections):
        directory += tag + struct.pack("<III", offset, len(data), 0)
        last = i == len(sections) - 1
        body += data + (b"" if last else b"\0" * (align(len(data)) - len(data)))
        offset = align(offset + len(data))
    header = MAGIC + struct.pack("<HHI", FORMAT_MAJOR, FORMAT_MINOR, len(sections))
    padding = b"\0" * (align(16 + len(directory)) - 16 - len(directory))
    return bytes(header + directory + padding + body)


# -- Public API -------------------------------------------------------------------------

def make_policy(follow_types=False, follow_modules=False, follow_globals=False, follow_code=False):
    return Policy(follow_types, follow_modules, follow_globals, follow_code)


def capture(roots, object_cap=DEFAULT_OBJECT_CAP, policy=None, edge_cap=DEFAULT_EDGE_CAP,
            diagnostics=()):
    """Captures the objects reachable from ``roots`` (a name -> object mapping).

    Returns the snapshot as bytes. At most ``object_cap`` objects are recorded, and at
    most ``edge_cap`` references of any one object; when either limit is hit the
    snapshot says so (truncated flags and diagnostics). ``diagnostics`` are extra
    (code, message) findings of the caller to carry in the snapshot.
    """
    for name, value in (("object_cap", object_cap), ("edge_cap", edge_cap)):
        if type(value) is not int or value < 1:
            raise ValueError("%s must be a positive int, got %r" % (name, value))
    c = _Capture(object_cap, edge_cap, policy or DEFAULT_POLICY)
    for code, message in diagnostics:
        c.diagnose(None, code, message)
    root_pairs = c.run(roots)
    return _assemble(_sections(c, root_pairs, platform_facts()))


def user_names(namespace):
    """The user's own variables in a module namespace: no dunders, no imported modules."""
    return {
        name: value
        for name, value in namespace.items()
        if not (name.startswith("__") and name.endswith("__"))
        and not isinstance(value, types.ModuleType)
    }


def capture_namespace(namespace, object_cap=DEFAULT_OBJECT_CAP, policy=None,
                      edge_cap=DEFAULT_EDGE_CAP):
    """Captures a program's global variables (see user_names) as roots."""
    return capture(user_names(namespace), object_cap, policy, edge_cap)
