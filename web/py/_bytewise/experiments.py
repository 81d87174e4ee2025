"""Footprint experiments: how big each way of holding N values is, measured live.

For each structure and each N the experiment builds the structure under tracemalloc (its
peak while building, and what stays allocated), then captures it so the core can compute
its shallow and deep sizes. Nothing here computes a size itself: getsizeof comes from
CPython, deep sizes from the core, peaks from tracemalloc.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import array
import tracemalloc

from . import probe


def _append_loop(n):
    out = []
    for i in range(n):
        out.append(i)
    return out


# (name, builder): builders return the structure holding the values 0 .. N-1.
STRUCTURES = [
    ("list(range(N))", lambda n: list(range(n))),
    ("[i for i in range(N)]", lambda n: [i for i in range(n)]),
    ("append loop", _append_loop),
    ("[0] * N", lambda n: [0] * n),
    ("tuple(range(N))", lambda n: tuple(range(n))),
    ("array('i')", lambda n: array.array("i", range(n))),
    ("array('d')", lambda n: array.array("d", range(n))),
    ("generator expression", lambda n: (i for i in range(n))),
    ("range(N)", lambda n: range(n)),
]


def _sum_list(n):
    return sum([i * 2 for i in range(n)])


def _sum_generator(n):
    return sum(i * 2 for i in range(n))


def _join(n):
    return "".join(["ab%d" % i for i in range(n)])


def _plus_equals(n):
    s = ""
    for i in range(n):
        s += "ab%d" % i
    return s


# (name, work): compared by their tracemalloc peak only.
PEAKS = [
    ("sum([...])", _sum_list),
    ("sum(...)", _sum_generator),
    ('"".join([...])', _join),
    ("s += piece", _plus_equals),
]


def _traced(work, n):
    """(result, peak bytes while it ran, bytes still allocated after) for work(n)."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.clear_traces()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = work(n)
    current, peak = tracemalloc.get_traced_memory()
    if not was_tracing:
        tracemalloc.stop()
    return result, max(peak - base, 0), max(current - base, 0)


def footprints(sizes, object_cap, edge_cap):
    """Returns {"structures": [(name, n, snapshot bytes, peak, current)...],
    "peaks": [(name, n, peak)...]} for every N in ``sizes``, each structure captured with
    the caps given (the core's defaults, passed by the runner)."""
    structures = []
    for name, build in STRUCTURES:
        for n in sizes:
            value, peak, current = _traced(build, n)
            snapshot = probe.capture({name: value}, object_cap, None, edge_cap)
            structures.append((name, n, snapshot, peak, current))
            del value
    peaks = []
    for name, work in PEAKS:
        for n in sizes:
            _, peak, _ = _traced(work, n)
            peaks.append((name, n, peak))
    return {"structures": structures, "peaks": peaks}
