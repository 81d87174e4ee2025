"""The layout model's measurement corpus: values whose sys.getsizeof is recorded on every
CPython this machine has, to prove the model (core/src/layout_model.cpp) byte for byte.

Runs unchanged on CPython 3.8+ and under Pyodide. Usage:

    python corpus.py                 # prints one line per value: key <TAB> getsizeof
    corpus.values()                  # {key: value}, the objects themselves (Pyodide
                                     # captures them as the model's source snapshot)

Keys are stable names; the same key builds the same value (same construction, same
history) on every version, so the sizes can be compared across versions.
"""

import array
import sys


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


def _func(a, b=1):
    return a + b


def _closure():
    x = [1]

    def inner():
        return x
    return inner


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
    coroutine = _coro()
    v["coroutine"] = coroutine
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
    return v, coroutine


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


def values():
    """Every corpus value by key (the single values, then the series)."""
    v, coroutine = _values()
    v.update(series())
    return v


def _close(v):
    for value in v.values():
        if type(value).__name__ == "coroutine":
            value.close()  # no "never awaited" warning


def main():
    v = values()
    for key, value in v.items():
        print("%s\t%d" % (key, sys.getsizeof(value)))
    _close(v)


if __name__ == "__main__":
    main()
