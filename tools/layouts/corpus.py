"""The layout model's measurement corpus: values whose sys.getsizeof is recorded on every
CPython this machine has, to prove the model (core/src/layout_model.cpp) byte for byte.

Runs unchanged on CPython 3.8+ and under Pyodide. Usage:

    python corpus.py                 # prints one line per value: key <TAB> getsizeof
    python corpus.py --allocation    # (64-bit Linux) the allocation fixture, lines of
                                     #   block <TAB> key <TAB> the sizes requested from the
                                     #     allocator for a fresh object's blocks
                                     #   static <TAB> key <TAB> 1 if the value is the
                                     #     interpreter's static data, else 0
                                     #   reserve <TAB> request <TAB> fewest <TAB> most bytes
                                     #     the allocator reserved for it
    corpus.values()                  # {key: value}, the objects themselves (Pyodide
                                     # captures them as the model's source snapshot)

Keys are stable names; the same key builds the same value (same construction, same
history) on every version, so the sizes can be compared across versions.
"""

import array
import gc
import sys
import types


def _appended(n, item=None):
    out = []
    for _ in range(n):
        out.append(item)
    return out


def _inserted(n, str_keys=True):
    d = {}
    for i in range(n):
        d["k%d" % i if str_keys else i] = None
    return d


def _set_added(n):
    s = set()
    for i in range(n):
        s.add(i)
    return s


def _array_appended(typecode, n):
    a = array.array(typecode)
    for i in range(n):
        a.append(i)
    return a


class Plain:
    def __init__(self):
        self.a = 1
        self.b = 2


class Empty:
    pass


class Slots0:
    __slots__ = ()


class Slots1:
    __slots__ = ("a",)


class Slots3:
    __slots__ = ("a", "b", "c")


class SlotsDict:
    __slots__ = ("a", "__dict__")


class SlotsWeak:
    __slots__ = ("a", "__weakref__")


def _gen0():
    yield 1


def _gen3(a, b):
    c = a + b
    yield c


async def _coro():
    return 1


def _gen_loop(n):
    for i in range(n):
        yield i * i


def _gen_locals(a, b, c, d, e):
    total = a + b + c + d + e
    yield total


def _gen_from():
    yield from range(3)


def _gen_arg(a):
    yield a


async def _coro_await():
    await _coro()
    return 2


def _func(a, b=1):
    return a + b


def _closure():
    x = [1]

    def inner():
        return x
    return inner


# The allocation corpus. Each builder makes one fresh object whose referents all exist
# already (the pools below, small ints, constants), so the blocks the allocator hands out
# while it runs are that object's own: the object itself and its side blocks (a list's
# item array, a dict's keys table, a set's table, a buffer).
_SMALL = tuple(range(100))
_KEYS = tuple("key%d" % i for i in range(40))
_ASCII = ("abcde", "fghij", "klmno")
_LATIN1 = ("caf\xe9", "\xe0 la")
_UCS2 = ("\u65e5\u672c", "\u8a9e")
_UCS4 = ("ok ", "\U0001f600")
_DIGITS = "1234567890" * 10


def _dict_inserted(keys):
    d = {}
    for k in keys:
        d[k] = None
    return d


class _AllocPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class _Holder:
    __slots__ = ("a",)

    def method(self):
        return self


_HOLDER = _Holder()


def builders():
    """The allocation corpus: key -> a function making one fresh object."""
    b = {}
    b["float"] = lambda: float(_SMALL[7])
    b["complex"] = lambda: complex(_SMALL[1], _SMALL[2])
    b["int 1 digit"] = lambda: int("1000")
    b["int 3 digits"] = lambda: int("123456789012345678901234567")
    b["int negative 3 digits"] = lambda: int("-98765432109876543210")
    b["int 100 decimal digits"] = lambda: int(_DIGITS)
    b["str ascii 15"] = lambda: "".join(_ASCII)
    b["str latin1 8"] = lambda: "".join(_LATIN1)
    b["str ucs2 3"] = lambda: "".join(_UCS2)
    b["str ucs4 4"] = lambda: "".join(_UCS4)
    b["bytes 10"] = lambda: bytes(_SMALL[10])
    b["bytes 1000"] = lambda: bytes(1000)
    b["bytearray()"] = lambda: bytearray()
    b["bytearray 100"] = lambda: bytearray(100)
    b["tuple 1"] = lambda: _SMALL[:1]
    b["tuple 10"] = lambda: _SMALL[:10]
    b["tuple 100"] = lambda: tuple(list(_SMALL))
    b["list()"] = lambda: list()
    b["list []"] = lambda: []
    b["list literal 3"] = lambda: [1, 2, 3]
    b["list [None]*10"] = lambda: [None] * 10
    b["list from tuple 10"] = lambda: list(_SMALL[:10])
    b["list comprehension 10"] = lambda: [x for x in _SMALL[:10]]
    b["list appended 17"] = lambda: _appended(17)
    b["list appended 100"] = lambda: _appended(100)
    b["dict {}"] = lambda: {}
    b["dict fromkeys 5"] = lambda: dict.fromkeys(_KEYS[:5])
    b["dict str keys 20"] = lambda: _dict_inserted(_KEYS[:20])
    b["dict int keys 10"] = lambda: dict(zip(_SMALL[:10], _SMALL[:10]))
    b["set()"] = lambda: set()
    b["set 5"] = lambda: set(_SMALL[:5])
    b["set 10"] = lambda: set(_SMALL[:10])
    b["set 100"] = lambda: set(_SMALL)
    b["frozenset 20"] = lambda: frozenset(_SMALL[:20])
    b["range"] = lambda: range(_SMALL[10])
    b["array('i')"] = lambda: array.array("i")
    b["array('d') 10"] = lambda: array.array("d", _SMALL[:10])
    b["array('b') 50"] = lambda: array.array("b", _SMALL[:50])
    b["array('i') appended 20"] = lambda: _array_appended("i", 20)
    b["object()"] = lambda: object()
    b["instance Slots3"] = lambda: Slots3()
    b["instance Slots0"] = lambda: Slots0()
    b["instance SlotsWeak"] = lambda: SlotsWeak()
    b["function"] = lambda: types.FunctionType(_func.__code__, _func.__globals__)
    b["bound method"] = lambda: _HOLDER.method
    b["cell"] = lambda: types.CellType(_SMALL[3])
    b["generator"] = lambda: _gen3(_SMALL[1], _SMALL[2])
    b["instance 2 attributes"] = lambda: _AllocPoint(_SMALL[1], _SMALL[2])
    return b


def measure_blocks():
    """key -> sorted sizes requested from the allocator for the blocks a fresh object
    keeps. tracemalloc sees every PyObject_Malloc/PyMem_Malloc request; a full collection
    first and after empties the free lists, so the temporaries a builder made hand their
    blocks back and a reused free-list object cannot hide an allocation."""
    import tracemalloc

    def traced(build):
        gc.collect()
        tracemalloc.start(1)
        value = build()
        gc.collect()
        snap = tracemalloc.take_snapshot()
        tracemalloc.stop()
        sizes = sorted(t.size for t in snap.traces if t.traceback[0].filename == __file__)
        return value, sizes

    traced(object)  # the first trace also sees tracemalloc's own start-up
    out = {}
    for key, build in builders().items():
        build(), build()  # warm the caches a first call fills (interned names, code caches)
        value, sizes = traced(build)
        out[key] = sizes
        _close({key: value})
    return out


def measure_static(heap_base=None):
    """key -> True when the value lives in the interpreter's static data (no allocator
    block), for every corpus value. Native: the mapping holding id(value) is the python
    binary or a shared library, not the heap (Linux /proc/self/maps). Pyodide: the address
    lies below the wasm module's __heap_base (static data and the stack come first)."""
    if heap_base is None:
        mappings = []
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split()
                low, high = (int(x, 16) for x in parts[0].split("-"))
                path = parts[5] if len(parts) > 5 else ""
                mappings.append((low, high, path.startswith("/")))

        def is_static(value):
            address = id(value)
            return any(low <= address < high and from_file for low, high, from_file in mappings)
    else:
        def is_static(value):
            return id(value) < heap_base
    v = values()
    out = {key: is_static(value) for key, value in v.items()}
    _close(v)
    return out


def reserve_requests():
    """The request sizes the --reserve measurements cover."""
    return list(range(0, 601)) + [1000, 1024, 4096, 10000, 65536, 100000, 131072, 200033, 1 << 20]


def measure_reserved(copies=64):
    """request -> (fewest, most) bytes reserved over `copies` requests held at once, on
    64-bit CPython with pymalloc and glibc: the size class for requests of 1 to 512 bytes
    (read from sys._debugmallocstats, so fewest == most), the glibc chunk (its size word)
    otherwise. A chunk reused from a free list can be larger than a fresh one; `fewest` is
    the fresh one. Needs ctypes and Linux."""
    import ctypes
    import os
    import re
    import tempfile

    api = ctypes.pythonapi
    api.PyObject_Malloc.restype = ctypes.c_void_p
    api.PyObject_Malloc.argtypes = [ctypes.c_size_t]
    api.PyObject_Free.argtypes = [ctypes.c_void_p]
    row = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")

    def blocks_in_use():
        sys.stderr.flush()
        with tempfile.TemporaryFile(mode="w+") as f:
            saved = os.dup(2)
            os.dup2(f.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            f.seek(0)
            counts = {}
            for line in f:
                m = row.match(line)
                if m:
                    counts[int(m.group(2))] = int(m.group(4))
            return counts

    out = {}
    many = 2000
    held = (ctypes.c_void_p * many)()  # a C array: holding the pointers allocates nothing
    for request in reserve_requests():
        count = many if 1 <= request <= 512 else copies
        before = blocks_in_use()
        for i in range(count):
            held[i] = api.PyObject_Malloc(request)
        if count == many:
            after = blocks_in_use()
            # Other code may free or take a few blocks meanwhile; the class holding the
            # requests grows by about `many`, every other by far less.
            grown = [size for size, n in after.items() if n - before.get(size, 0) > many * 9 // 10]
            if len(grown) != 1:
                raise SystemExit("cannot tell the size class of a %d-byte request: %r" % (request, [(s, after[s] - before.get(s, 0)) for s in after]))
            out[request] = (grown[0], grown[0])
        else:
            # glibc's chunk header: the size word just before the block, low 3 bits flags
            # (an mmapped chunk's header counts its whole mapping).
            chunks = [ctypes.c_size_t.from_address(held[i] - 8).value & ~7 for i in range(count)]
            out[request] = (min(chunks), max(chunks))
        for i in range(count):
            api.PyObject_Free(held[i])
    return out


def _values():
    v = {}
    # Scalars
    v["int 0"] = 0
    v["int 1"] = 1
    v["int -1"] = -1
    v["int 255"] = 255
    v["int 2**30-1"] = 2 ** 30 - 1
    v["int 2**30"] = 2 ** 30
    v["int 2**60-1"] = 2 ** 60 - 1
    v["int 2**60"] = 2 ** 60
    v["int 2**90"] = 2 ** 90
    v["int -2**64"] = -(2 ** 64)
    v["int 10**100"] = 10 ** 100
    v["int 2**1000"] = 2 ** 1000
    v["bool True"] = True
    v["bool False"] = False
    v["float 1.5"] = 1.5
    v["float 0.0"] = 0.0
    v["complex 1+2j"] = 1 + 2j
    v["None"] = None
    v["Ellipsis"] = ...
    # Strings of each kind and length
    v["str ''"] = ""
    v["str 'a'"] = "a"
    v["str ascii 10"] = "abcdefghij"
    v["str ascii 100"] = "x" * 100
    v["str latin1 1"] = "\xe9"
    v["str latin1 5"] = "caf\xe9s"
    v["str latin1 100"] = "\xe9" * 100
    v["str ucs2 2"] = "\u65e5\u672c"
    v["str ucs2 50"] = "\u03b1" * 50
    v["str ucs4 1"] = "\U0001f600"
    v["str ucs4 10"] = "\U0001f600" * 10
    v["str mixed ucs4"] = "ok \U0001f600"
    v["str joined"] = "".join(["ab", "cd", "ef"])
    # bytes and bytearray
    v["bytes ''"] = b""
    v["bytes 1"] = b"a"
    v["bytes 10"] = b"0123456789"
    v["bytes 1000"] = bytes(1000)
    v["bytearray ''"] = bytearray()
    v["bytearray 10"] = bytearray(10)
    v["bytearray 100"] = bytearray(100)
    v["bytearray appended 5"] = bytearray(b"ab") + bytearray(b"cde")
    # Tuples
    v["tuple ()"] = ()
    v["tuple 1"] = (1,)
    v["tuple 3"] = (1, 2, 3)
    v["tuple 10"] = tuple(range(10))
    v["tuple 100"] = tuple(range(100))
    # Lists, the named ways
    v["list []"] = []
    v["list literal 3"] = [1, 2, 3]
    v["list display 2"] = [v["int 1"], v["int 255"]]
    v["list [None]*7"] = [None] * 7
    v["list comprehension 10"] = [i for i in range(10)]
    v["list(range(5))"] = list(range(5))
    v["list appended 17"] = _appended(17)
    v["list popped"] = _popped()
    # Dicts
    v["dict {}"] = {}
    v["dict literal 2"] = {"a": 1, "b": 2}
    v["dict literal 6"] = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
    v["dict int keys 3"] = {1: 1, 2: 2, 3: 3}
    v["dict(zip) 10"] = dict(zip(range(10), range(10)))
    v["dict cleared"] = _cleared()
    v["dict deleted"] = _deleted()
    # Sets
    v["set()"] = set()
    v["set 3"] = {1, 2, 3}
    v["set(range(10))"] = set(range(10))
    v["set(range(100))"] = set(range(100))
    v["frozenset()"] = frozenset()
    v["frozenset(range(5))"] = frozenset(range(5))
    v["frozenset(range(20))"] = frozenset(range(20))
    # range, slice
    v["range(10)"] = range(10)
    v["range(10**20)"] = range(10 ** 20)
    v["slice(1,2,3)"] = slice(1, 2, 3)
    # arrays
    v["array('b')"] = array.array("b")
    v["array('i')"] = array.array("i")
    v["array('d')"] = array.array("d")
    v["array('i', range(10))"] = array.array("i", range(10))
    v["array('d', range(10))"] = array.array("d", range(10))
    v["array('b', range(10))"] = array.array("b", range(10))
    v["array('q', range(3))"] = array.array("q", range(3))
    v["array('i') appended 4"] = _array_appended("i", 4)
    v["array('i') appended 20"] = _array_appended("i", 20)
    # Generators and coroutines
    v["generator g0"] = _gen0()
    v["generator g3"] = _gen3(1, 2)
    v["generator expression"] = (x for x in [])
    v["generator expression range(10**6)"] = (x for x in range(10 ** 6))
    v["generator expression call"] = (abs(x) for x in [])
    v["generator expression nested"] = (x * y for x in [] for y in [])
    v["generator expression filtered"] = (x for x in [] if x)
    v["generator loop"] = _gen_loop(10)
    v["generator many locals"] = _gen_locals(1, 2, 3, 4, 5)
    v["generator yield from"] = _gen_from()
    v["generator one argument"] = _gen_arg(1)
    started = _gen_loop(10)
    next(started)
    v["generator started"] = started
    coroutine = _coro()
    v["coroutine"] = coroutine
    awaiting = _coro_await()
    v["coroutine awaiting"] = awaiting
    # Instances
    for name, cls in (("Empty", Empty), ("Plain", Plain), ("Slots0", Slots0), ("Slots1", Slots1),
                      ("Slots3", Slots3), ("SlotsDict", SlotsDict), ("SlotsWeak", SlotsWeak)):
        v["instance " + name] = cls()
    v["object()"] = object()
    # Functions and friends
    v["function"] = _func
    v["lambda"] = lambda: None
    v["closure function"] = _closure()
    v["builtin function len"] = len
    v["bound method"] = Plain().__init__
    v["cell"] = _closure().__closure__[0]
    v["memoryview 1-D"] = memoryview(b"abc")
    return v, (coroutine, awaiting)


def _popped():
    out = _appended(100)
    while len(out) > 40:
        out.pop()
    return out


def _cleared():
    d = _inserted(20)
    d.clear()
    return d


def _deleted():
    d = _inserted(20)
    for i in range(20):
        del d["k%d" % i]
    return d


def series():
    """Lists n = 0..100 built four ways, dicts after 0..40 insertions, sets 0..40."""
    v = {}
    for n in range(101):
        v["list append %d" % n] = _appended(n)
        v["list [None]*%d" % n] = [None] * n
        v["list(range(%d))" % n] = list(range(n))
        v["list comprehension %d" % n] = [None for _ in range(n)]
    for n in range(41):
        v["dict str keys %d" % n] = _inserted(n, True)
        v["dict int keys %d" % n] = _inserted(n, False)
        v["set add %d" % n] = _set_added(n)
    return v


# Sizes of the construction series: every n where growth matters (FULL), a spread of the
# sizes where each version's rules part ways otherwise (SPREAD).
FULL = range(101)
SPREAD = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 20, 21, 24, 25, 30, 31, 33, 40, 42, 43,
          50, 64, 65, 77, 85, 86, 93, 100)
_NAMES = tuple("k%d" % i for i in range(101))
_NONZERO = tuple(range(1, 102))


def _display(text, n, namespace=None):
    """The value of a display written out in source text, compiled by this version's own
    compiler (a display's bytecode, and so its size, differs between versions)."""
    return eval(compile(text, "<corpus>", "eval"), namespace or {})  # noqa: S307


def _list_ways():
    """Lists of n items built each way a program builds them: key "list <way> <n>"."""
    ways = {
        "list(tuple)": (FULL, lambda n: list(tuple(range(n)))),
        "list(list)": (SPREAD, lambda n: list(list(range(n)))),
        "list(iter)": (FULL, lambda n: list(iter(tuple(range(n))))),
        "list(reversed)": (SPREAD, lambda n: list(reversed(tuple(range(n))))),
        "list(genexpr)": (FULL, lambda n: list(x for x in range(n))),
        "list(map)": (SPREAD, lambda n: list(map(abs, range(n)))),
        "list(filter)": (SPREAD, lambda n: list(filter(None, _NONZERO[:n]))),
        "list(set)": (SPREAD, lambda n: list(set(range(n)))),
        "list(dict)": (SPREAD, lambda n: list(dict.fromkeys(range(n)))),
        "list(str)": (SPREAD, lambda n: list("x" * n)),
        "sorted": (FULL, lambda n: sorted(range(n - 1, -1, -1))),
        "literal": (FULL, lambda n: _display("[%s]" % ", ".join(map(str, range(n))), n)),
        "negative literal": (SPREAD, lambda n: _display("[%s]" % ", ".join("-%d" % (i + 1) for i in range(n)), n)),
        "names display": (FULL, lambda n: _display("[%s]" % ", ".join(["a"] * n), n, {"a": None})),
        "[*range]": (FULL, lambda n: _display("[*r]", n, {"r": range(n)})),
        "[*tuple]": (SPREAD, lambda n: _display("[*t]", n, {"t": tuple(range(n))})),
        "extend tuple": (SPREAD, lambda n: _extended(tuple(range(n)))),
        "+= tuple": (SPREAD, lambda n: _iadded(tuple(range(n)))),
        "+= [x]": (FULL, _iadded_one),
        "insert": (SPREAD, _inserted_front),
        "*=": (FULL, _imultiplied),
        "a+b": (SPREAD, lambda n: [None] * (n // 2) + [None] * (n - n // 2)),
        "copy": (SPREAD, lambda n: _appended(n).copy()),
        "[:]": (SPREAD, lambda n: _appended(n)[:]),
        "slice of 100": (SPREAD, lambda n: _appended(100)[:n]),
        "split": (FULL, lambda n: " ".join(["w"] * n).split()),
        "del [n:] of 100": (FULL, _deleted_tail),
        "pop to": (FULL, _popped_to),
        "extend by 3s": (range(0, 101, 3), _extended_by_3s),
    }
    out = {}
    for way, (sizes, build) in ways.items():
        for n in sizes:
            out["list %s %d" % (way, n)] = build(n)
    cleared = _appended(50)
    cleared.clear()
    out["list cleared"] = cleared
    return out


def _extended(items):
    out = []
    out.extend(items)
    return out


def _iadded(items):
    out = []
    out += items
    return out


def _iadded_one(n):
    out = []
    for _ in range(n):
        out += [None]
    return out


def _inserted_front(n):
    out = []
    for _ in range(n):
        out.insert(0, None)
    return out


def _imultiplied(n):
    out = [None]
    out *= n
    return out


def _deleted_tail(n):
    out = _appended(100)
    del out[n:]
    return out


def _popped_to(n):
    out = _appended(100)
    while len(out) > n:
        out.pop()
    return out


def _extended_by_3s(n):
    out = []
    while len(out) < n:
        out.extend((None, None, None))
    return out


def _dict_display(keys):
    return _display("{%s}" % ", ".join("%r: None" % (k,) for k in keys), len(keys))


def _mixed_keys(n, str_first=True):
    """n keys: one str and then ints (or ints and then one str)."""
    if n == 0:
        return ()
    ints = tuple(range(1, n))
    return ("k0",) + ints if str_first else ints + ("k0",)


def _dict_ways():
    """Dicts of n items built each way: key "dict <way> <n>"."""
    ways = {
        "str keys": (FULL, lambda n: _inserted(n, True)),
        "int keys": (FULL, lambda n: _inserted(n, False)),
        "display str": (FULL, lambda n: _dict_display(_NAMES[:n])),
        "display int": (SPREAD, lambda n: _dict_display(range(n))),
        "display str then int": (SPREAD, lambda n: _dict_display(_mixed_keys(n))),
        "display int then str": (SPREAD, lambda n: _dict_display(_mixed_keys(n, False))),
        "inserted str then int": (SPREAD, lambda n: _dict_inserted(_mixed_keys(n))),
        "zip": (FULL, lambda n: dict(zip(_NAMES[:n], range(n)))),
        "keywords": (FULL, lambda n: _display("dict(%s)" % ", ".join("%s=None" % k for k in _NAMES[:n]), n)),
        "fromkeys list": (FULL, lambda n: dict.fromkeys(list(_NAMES[:n]))),
        "fromkeys dict": (SPREAD, lambda n: dict.fromkeys(dict.fromkeys(_NAMES[:n]))),
        "fromkeys set": (SPREAD, lambda n: dict.fromkeys(set(range(n)))),
        "comprehension": (SPREAD, lambda n: {k: None for k in _NAMES[:n]}),
        "{**a}": (SPREAD, lambda n: _display("{**a}", n, {"a": _inserted(n)})),
        "{**a, **b}": (SPREAD, lambda n: _display("{**a, **b}", n, {"a": dict.fromkeys(_NAMES[:n // 2]),
                                                                   "b": dict.fromkeys(_NAMES[n // 2:n])})),
        "dict(d)": (SPREAD, lambda n: dict(_inserted(n))),
        "copy": (SPREAD, lambda n: _inserted(n).copy()),
        "update empty": (SPREAD, lambda n: _updated({}, _inserted(n))),
        "update half": (SPREAD, lambda n: _updated(dict.fromkeys(_NAMES[:n // 2]), dict.fromkeys(_NAMES[n // 2:n]))),
        "setdefault": (SPREAD, lambda n: _set_defaults(n)),
        "20 less": (range(0, 21), lambda n: _deleted_from(20, n)),
        "deleted then set": (SPREAD, lambda n: _deleted_then_set(n)),
        "copy after delete": (SPREAD, lambda n: _deleted_from(n + 5, 5).copy()),
    }
    if sys.version_info >= (3, 9):
        ways["a|b"] = (SPREAD, lambda n: dict.fromkeys(_NAMES[:n // 2]) | dict.fromkeys(_NAMES[n // 2:n]))
    out = {}
    for way, (sizes, build) in ways.items():
        for n in sizes:
            out["dict %s %d" % (way, n)] = build(n)
    return out


def _updated(d, other):
    d.update(other)
    return d


def _set_defaults(n):
    d = {}
    for k in _NAMES[:n]:
        d.setdefault(k, None)
    return d


def _deleted_from(total, n):
    d = _inserted(total)
    for i in range(n):
        del d["k%d" % i]
    return d


def _deleted_then_set(n):
    d = _inserted(n)
    for i in range(n):
        del d["k%d" % i]
    for i in range(n):
        d["k%d" % i] = None
    return d


def _set_ways():
    """Sets of n items built each way: key "set <way> <n>"."""
    ways = {
        "add": (FULL, _set_added),
        "range": (SPREAD, lambda n: set(range(n))),
        "display": (FULL, lambda n: _display("{%s}" % ", ".join(map(str, range(n))), n) if n else set()),
        "names display": (SPREAD, lambda n: _display("{%s}" % ", ".join("a%d" % i for i in range(n)), n,
                                                     {"a%d" % i: i for i in range(n)}) if n else set()),
        "set(set)": (SPREAD, lambda n: set(set(range(n)))),
        "copy": (SPREAD, lambda n: set(range(n)).copy()),
        "list": (SPREAD, lambda n: set(list(range(n)))),
        "dict": (SPREAD, lambda n: set(dict.fromkeys(range(n)))),
        "comprehension": (SPREAD, lambda n: {i for i in range(n)}),
        "union": (SPREAD, lambda n: set(range(n // 2)) | set(range(n // 2, n))),
        "frozenset(set)": (SPREAD, lambda n: frozenset(set(range(n)))),
        "frozenset display": (SPREAD, lambda n: frozenset(_display("{%s}" % ", ".join(map(str, range(n))), n))
                              if n else frozenset()),
        "20 discarded": (range(0, 21), lambda n: _discarded(20, n)),
    }
    out = {}
    for way, (sizes, build) in ways.items():
        for n in sizes:
            out["set %s %d" % (way, n)] = build(n)
    return out


def _discarded(total, n):
    s = _set_added(total)
    for i in range(n):
        s.discard(i)
    return s


def constructions():
    """Lists, dicts and sets built every way (the keys say how, and how many items)."""
    v = _list_ways()
    v.update(_dict_ways())
    v.update(_set_ways())
    return v


# Instance-heavy programs, measured as deep sizes (--deep): what a program's variables
# cost in all, on every version. Each program has classes of its own, so what one does to a
# class's shared keys never reaches another.
class _Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class _SlotPoint:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class _Wide10:
    def __init__(self, i):
        self.a0, self.a1, self.a2, self.a3, self.a4 = i, i, i, i, i
        self.a5, self.a6, self.a7, self.a8, self.a9 = i, i, i, i, i


class _Wide11:
    def __init__(self, i):
        self.a0, self.a1, self.a2, self.a3, self.a4 = i, i, i, i, i
        self.a5, self.a6, self.a7, self.a8, self.a9, self.a10 = i, i, i, i, i, i


class _Wide30:
    def __init__(self, i):
        for k in range(30):
            setattr(self, "a%d" % k, i)


class _One:
    def __init__(self, v):
        self.v = v


class _Empty:
    pass


class _Node:
    def __init__(self, value, next_node):
        self.value = value
        self.next = next_node


class _Base:
    def __init__(self, i):
        self.a = i


class _Child(_Base):
    def __init__(self, i):
        super().__init__(i)
        self.b = i


class _Extra:
    def __init__(self, i):
        self.a = i
        self.b = i


class _Reordered:
    pass


class _Deleted:
    def __init__(self, i):
        self.a = i
        self.b = i


class _ManyAttrs:
    def __init__(self, i):
        for k in range(6):
            setattr(self, "m%d" % k, i)


def _linked(n):
    head = None
    for i in range(n):
        head = _Node(i * 1000, head)
    return head


def _with_extra(n):
    out = [_Extra(i * 1000) for i in range(n)]
    for item in out[::10]:
        item.c = 0
    return out


def _reordered(n):
    out = []
    for i in range(n):
        o = _Reordered()
        if i % 2:
            o.b, o.a = i * 1000, i * 1000
        else:
            o.a, o.b = i * 1000, i * 1000
        out.append(o)
    return out


def _one_deleted(n):
    out = [_Deleted(i * 1000) for i in range(n)]
    del out[0].b
    return out


def deep_programs():
    """key -> the value of an instance-heavy program (key "deep <what>")."""
    v = {}
    v["deep 1000 instances"] = [_Point(i * 1000, i * 1000 + 1) for i in range(1000)]
    v["deep 1000 slots instances"] = [_SlotPoint(i * 1000, i * 1000 + 1) for i in range(1000)]
    v["deep 1 instance"] = _Point(1000, 2000)
    v["deep 1 slots instance"] = _SlotPoint(1000, 2000)
    v["deep 100 instances 1 attribute"] = [_One(i * 1000) for i in range(100)]
    v["deep 100 instances 6 attributes"] = [_ManyAttrs(i * 1000) for i in range(100)]
    v["deep 100 instances 10 attributes"] = [_Wide10(i * 1000) for i in range(100)]
    v["deep 100 instances 11 attributes"] = [_Wide11(i * 1000) for i in range(100)]
    v["deep 50 instances 30 attributes"] = [_Wide30(i * 1000) for i in range(50)]
    v["deep 100 empty instances"] = [_Empty() for _ in range(100)]
    v["deep linked list of 100 instances"] = _linked(100)
    v["deep 100 subclass instances"] = [_Child(i * 1000) for i in range(100)]
    v["deep 100 instances some with an extra attribute"] = _with_extra(100)
    v["deep 100 instances attributes in two orders"] = _reordered(100)
    v["deep 100 instances one attribute deleted"] = _one_deleted(100)
    v["deep dict of 100 instances"] = {"k%d" % i: _Point(i * 1000, -i * 1000) for i in range(100)}
    return v


def deep_size(root):
    """Bytewise's deep size (core/include/bytewise/sizes.hpp) under its default policy:
    sys.getsizeof summed over every distinct object gc.get_referents reaches, and the keys
    of dicts (which it skips for str-keyed tables), not counting or following classes,
    modules, functions and code. Before 3.11 the keys of an instance's key-sharing __dict__
    are the class's (CPython counts them in the type's __sizeof__), so they are not counted
    there, as on 3.11+ the attribute names of values kept in the object are not."""
    skip = (type, types.ModuleType, types.FunctionType, types.CodeType)
    seen = set()
    class_keys = set()  # ids of instance __dict__s whose keys the class holds
    stack = [root]
    total = 0
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        referents = [r for r in gc.get_referents(o) if not isinstance(r, skip)]
        if sys.version_info < (3, 11) and not isinstance(o, (dict, list, tuple, set, frozenset)):
            own = getattr(type(o), "__dictoffset__", 0) and [r for r in referents if type(r) is dict]
            if own and own[0] is object.__getattribute__(o, "__dict__") and _shares_keys(own[0]):
                class_keys.add(id(own[0]))
        if type(o) is dict and id(o) not in class_keys:
            referents.extend(o)
        stack.extend(referents)
    return total


def _shares_keys(d):
    """Whether an instance's __dict__ (3.8-3.10) is a key-sharing one: no keys table of its
    own, only a values array of a table's usable entries (Objects/dictobject.c _PyDict_SizeOf)."""
    values = d.__sizeof__() - {}.__sizeof__()
    size = 8
    while (size * 2 // 3) * 8 < values:
        size *= 2
    return values == (size * 2 // 3) * 8


def print_deep(v):
    for key, value in v.items():
        if key.startswith("deep "):
            print("%s\t%d" % (key, deep_size(value)))


def values():
    """Every corpus value by key (the single values, the series, the constructions, then one
    object from each builder of the allocation corpus, keyed "new <key>")."""
    v, coroutine = _values()
    v.update(series())
    v.update(constructions())
    v.update(deep_programs())
    for key, build in builders().items():
        v["new " + key] = build()
    return v


def _close(v):
    for value in v.values():
        if type(value).__name__ == "coroutine":
            value.close()  # no "never awaited" warning


def print_allocation(reserved, heap_base=None):
    """The allocation fixture's lines: block, static and reserve rows."""
    for key, sizes in measure_blocks().items():
        print("block\tnew %s\t%s" % (key, " ".join(map(str, sizes))))
    for key, static in measure_static(heap_base).items():
        print("static\t%s\t%d" % (key, static))
    for request, (fewest, most) in reserved.items():
        print("reserve\t%d\t%d\t%d" % (request, fewest, most))


def main():
    if "--allocation" in sys.argv:
        print_allocation(measure_reserved())
        return
    v = values()
    if "--deep" in sys.argv:
        print_deep(v)
    else:
        for key, value in v.items():
            if not key.startswith("deep "):
                print("%s\t%d" % (key, sys.getsizeof(value)))
    _close(v)


if __name__ == "__main__":
    main()
