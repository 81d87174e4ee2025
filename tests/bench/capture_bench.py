"""The Python side of ``npm run bench:capture`` (tools/bench.mjs): the data sets, the bare
``gc.get_referents`` walk every capture is compared with, and the Python probe timed on
the same objects in the same interpreter.

The bare walk is the least a Python deep-size tool must do: every object reachable once
(by id), its ``sys.getsizeof`` summed; classes, modules and code objects are not entered,
as Bytewise's default policy does not follow them, so both count the same objects.
"""

import gc
import sys
import time
import types

DATA = {
    "1M floats": "data = [float(i) + 0.5 for i in range(1_000_000)]",
    "1M rows": "data = [[i, str(i), float(i)] for i in range(1_000_000)]",
    "1M instances": (
        "class Point:\n"
        "    def __init__(self, i):\n"
        "        self.x = i\n"
        "        self.y = float(i)\n"
        "data = [Point(i) for i in range(1_000_000)]"
    ),
    "10M floats": "data = [float(i) + 0.5 for i in range(10_000_000)]",
}

_LEAVES = (type, types.ModuleType, types.CodeType)


def make(name):
    """The data set's namespace (its ``data`` and any class it defines)."""
    namespace = {"__name__": "bench_data"}
    exec(DATA[name], namespace)
    return namespace


def bare_walk(root):
    """(milliseconds, deep bytes, objects) of the bare walk from ``root``."""
    started = time.perf_counter()
    get_referents = gc.get_referents
    getsizeof = sys.getsizeof
    seen = {id(root)}
    todo = [root]
    total = 0
    while todo:
        obj = todo.pop()
        total += getsizeof(obj)
        for ref in get_referents(obj):
            if id(ref) not in seen and not isinstance(ref, _LEAVES):
                seen.add(id(ref))
                todo.append(ref)
    return (time.perf_counter() - started) * 1000, total, len(seen)


def probe_capture(root, cap):
    """(milliseconds, snapshot bytes) of the Python probe capturing ``root``."""
    from _bytewise import probe

    started = time.perf_counter()
    snapshot = probe.capture({"data": root}, cap, None, cap)
    return (time.perf_counter() - started) * 1000, snapshot
