"""An independent deep-size computation, for checking the probe + core pipeline.

Written separately from web/py/bytewise_probe.py on purpose: it walks objects directly
(no snapshot, no columns, no core) with the same policy, so a bug in either path shows
up as a mismatch. Policy: follow list/tuple items, dict keys and values, set members, and
for other objects what gc.get_referents reports; never follow into classes, modules or
code objects; do not look inside functions, classes, modules, code or frames.
"""

import gc
import sys
import types

_NOT_ENTERED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                types.CodeType, types.FrameType)
_NOT_FOLLOWED = (type, types.ModuleType, types.CodeType)


def _children(obj):
    if isinstance(obj, _NOT_ENTERED):
        return []
    if isinstance(obj, dict):
        out = []
        for key, value in dict.items(obj):
            out.append(key)
            out.append(value)
        return out
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    return gc.get_referents(obj)


def deep(obj, seen=None):
    """(bytes, objects, naive) reachable from obj, each object once; `seen` is shared if
    given. naive: obj's size plus, for every reachable object, the size of each object it
    references, once per reference."""
    seen = {} if seen is None else seen
    total = count = 0
    naive = sys.getsizeof(obj)
    todo = [obj]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen[id(o)] = o
        total += sys.getsizeof(o)
        count += 1
        for child in _children(o):
            if not isinstance(child, _NOT_FOLLOWED):
                naive += sys.getsizeof(child)
                todo.append(child)
    return total, count, naive


def measure(roots):
    """{name: [shallow, deep, objects, naive]} plus "__total__": [deep, objects]."""
    out = {}
    for name, obj in roots.items():
        size, count, naive = deep(obj)
        out[name] = [sys.getsizeof(obj), size, count, naive]
    seen = {}
    total = objects = 0
    for obj in roots.values():
        size, count, _ = deep(obj, seen)
        total += size
        objects += count
    out["__total__"] = [total, objects]
    return out
