"""An independent deep-size computation, for checking the probe + core pipeline.

Written separately from web/py/_bytewise (edges.py, probe.py) on purpose: it
walks objects directly (no snapshot, no columns, no core), so a bug in either path shows
up as a mismatch. The ownership policy it implements, per docs:
  * list/tuple items, dict keys and values, set members: owned;
  * a function owns what CPython's traversal reports except its code, globals and
    builtins; a bound method owns its __self__ (not its function); a generator owns its
    frame's values (not its code or function); a frame owns what CPython reports except
    its globals, builtins and code, and the frame that called it when that is Bytewise's
    runner (the walk stops at the program's outermost frame);
  * anything else owns what gc.get_referents reports (plus, for dict subclasses, the keys
    that CPython's traversal skips);
  * classes, modules and code objects are never entered, and references to them are
    never followed.
"""

import collections
import gc
import sys
import types

_NEVER = (type, types.ModuleType, types.CodeType)
_GENERATORS = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)


def _without(items, unwanted):
    """items minus one occurrence of each unwanted object (by identity)."""
    drop = collections.Counter(id(u) for u in unwanted)
    out = []
    for item in items:
        if drop[id(item)] > 0:
            drop[id(item)] -= 1
        else:
            out.append(item)
    return out


def _contents(obj):
    if isinstance(obj, dict):
        return [x for pair in dict.items(obj) for x in pair]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    return []


def children(obj):
    """Every reference obj owns, once per reference."""
    if isinstance(obj, _NEVER):
        return []
    t = type(obj)
    if t in (list, tuple, dict, set, frozenset):
        return _contents(obj)
    if t is types.FunctionType:
        return _without(gc.get_referents(obj),
                        [obj.__code__, obj.__globals__, obj.__builtins__])
    if t is types.MethodType:
        return [obj.__self__]
    if t is types.FrameType:
        unwanted = [obj.f_globals, obj.f_builtins, obj.f_code]
        if obj.f_back is not None and "/_bytewise/" in obj.f_back.f_code.co_filename:
            unwanted.append(obj.f_back)  # the runner that called the program is not its own
        return _without(gc.get_referents(obj), unwanted)
    if isinstance(obj, _GENERATORS):
        code = getattr(obj, "gi_code", None) or getattr(obj, "cr_code", None) or obj.ag_code
        return [r for r in gc.get_referents(obj)
                if r is not code and not (isinstance(r, types.FunctionType) and r.__code__ is code)]
    contents = _contents(obj)
    return contents + _without(gc.get_referents(obj), contents)


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
        for child in children(o):
            if not isinstance(child, _NEVER):
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
