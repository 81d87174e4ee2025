"""What the core's heap walker (core/include/bytewise/heap_walk.hpp) is told by Python.

The walker reads the interpreter's memory itself and asks CPython nothing; it only needs
to recognise the objects it meets. This module hands it, once per interpreter, the
addresses of the C types it decodes (``setup``), and on request facts about classes it met
(``class_facts``): what the probe's own rules (edges.py, shapes.py) decide for a class,
worked out by those same functions, so the walker and the probe cannot disagree about a
class. Nothing here runs a program's code: classes are found through type's own
``__subclasses__`` and read through safe.py.

Use (web/native-capture.js)::

    from _bytewise import native
    native.setup()                    # types, small ints, platform: once per interpreter
    native.class_facts([id(C), ...])  # for the classes a walk reports as needed
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import array
import types

from . import edges, probe, safe, shapes

# The walker's known_type keys (heap_walk.hpp known_type_key) and the types they name.
KNOWN_TYPES = {
    "type": type, "object": object, "int": int, "bool": bool, "float": float, "complex": complex,
    "str": str, "bytes": bytes, "bytearray": bytearray, "tuple": tuple, "list": list, "dict": dict,
    "set": set, "frozenset": frozenset, "NoneType": type(None), "ellipsis": type(...),
    "NotImplementedType": type(NotImplemented), "range": range, "slice": slice,
    "cell": types.CellType, "function": types.FunctionType, "method": types.MethodType,
    "builtin_function_or_method": types.BuiltinFunctionType, "code": types.CodeType,
    "module": types.ModuleType, "member_descriptor": types.MemberDescriptorType,
    "array": array.array, "frame": types.FrameType,
}

_subclasses = type.__dict__["__subclasses__"]


class _ClassStatement:
    """A class made by a class statement: the walker compares other classes' tp_traverse
    with its own."""

_OBJECT_SIZEOF = object.__dict__["__sizeof__"]


def setup():
    """The walker's setup for this interpreter: the known types' addresses, the small-int
    cache (probed live, as the probe does), where the heap starts, and the platform."""
    low, high, cached = probe.probe_small_int_range()
    facts = probe.platform_facts()
    return {
        "types": {name: id(t) for name, t in KNOWN_TYPES.items()},
        "smallIntMin": low,
        "smallIntMax": high,
        "smallInts": [id(n) for n in cached],
        "heapBase": probe._heap_base or 0,
        "classStatement": id(_ClassStatement),
        "platform": {
            "pointerSize": facts["pointer_size"],
            "version": list(facts["version"]),
            "implementation": facts["implementation"],
            "pythonVersion": facts["python_version"],
            "runtime": facts["runtime"],
            "machine": facts["machine"],
            "freeThreaded": facts["free_threaded"],
        },
    }


def _classes_by_id(wanted):
    """The live classes whose ids are in ``wanted``, found by walking type.__subclasses__
    from object (no class's own code runs: the descriptor is type's)."""
    found = {}
    seen = set()
    stack = [object]
    while stack and len(found) < len(wanted):
        cls = stack.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        if id(cls) in wanted:
            found[id(cls)] = cls
        try:
            stack.extend(_subclasses(cls))
        except TypeError:  # a metaclass's subclasses are listed by type's descriptor too
            pass
    return found


def _facts(cls):
    lookup = safe.lookup(cls, "__sizeof__")
    word = shapes._instance_word(cls)
    return {
        "address": id(cls),
        "plain": bool(edges._plain_class(cls)),
        "plainNames": list(edges._plain_instance_names(cls)) if safe.dictoffset(cls) else [],
        "slots": [[name, id(descriptor)] for name, descriptor in edges._slot_descriptors(cls)],
        "shape": shapes.family(cls),
        "category": probe._category_of_type(cls),
        "cSizeof": type(lookup) in probe._C_METHODS,
        "objectLayout": word is not None and lookup is _OBJECT_SIZEOF,
        "objectSizeof": lookup is _OBJECT_SIZEOF,
    }


def class_facts(addresses):
    """Facts for each class at ``addresses`` (ids) that is still alive; classes not found
    are left out (the walker then hands their objects back to the probe)."""
    wanted = set(addresses)
    return [_facts(cls) for cls in _classes_by_id(wanted).values()]
