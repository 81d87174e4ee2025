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
    native.answer({...})              # the probe's columns and references of the objects
                                      # a walk handed back, for the next walk to use
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import array
import types
from _ctypes import PyObj_FromPtr as _object_at  # bound now: a program may rebind _ctypes'

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


# Parts of an object the walker hands back (heap_walk.hpp handed_back_part).
_PART_SIZE, _PART_REFERENCES, _PART_LABEL = 1, 2, 4


def answer(request):
    """What the probe records for each object the walker handed back, worked out by the
    probe's own _Capture, so that a walk given these answers records what the probe would.

    ``request``: {"objects": [[address, node, parts], ...], "policy": capture policy bits,
    "edgeCap": n} (the walker gives labels only to nodes under its label cap). The addresses
    are objects a walk of this interpreter's memory reached from the program's roots just
    now, with nothing run since that could free them; each becomes the object itself again (_ctypes.PyObj_FromPtr). Returns one
    answer per object: {"address", "size", "length", "shape", "label" (str or None),
    "truncated", "references": [[address, kind, label], ...] or None, "diagnostics":
    [[code, message], ...]}; a reference's label is an int for index edges, else a str or
    None. Runs none of the program's code (the probe's rules read objects as it does)."""
    policy = edges.Policy.from_bits(request["policy"])
    wanted = request["objects"]
    objects = [_object_at(address) for address, _node, _parts in wanted]
    capture = probe._Capture(len(objects), request["edgeCap"], policy, label_cap=len(objects))
    try:
        capture.add(objects)
        out = []
        for i, ((address, _node, parts), obj) in enumerate(zip(wanted, objects)):
            # The shape always: a dict's str-keys fact comes from its keys, which the
            # walker reads only while it records the dict's references itself.
            item = {"address": address, "size": None, "length": None, "shape": capture.shape[i],
                    "label": None, "truncated": False, "references": None, "diagnostics": []}
            if parts & _PART_SIZE:
                item["size"], item["length"] = capture.size[i], capture.length[i]
                if capture.own_sizeof_classes and type(obj) in capture.own_sizeof_classes:
                    # On every such object: the walker keeps it on the first of its class.
                    item["diagnostics"].append(["probe.own_sizeof", probe.own_sizeof_message(type(obj), capture.size[i])])
            if parts & _PART_LABEL and capture.label[i] != probe.NO_STRING:
                item["label"] = capture.text(capture.label[i])
            if parts & _PART_REFERENCES:
                targets, kinds, labels = [], bytearray(), probe._u32_array()
                capture.references_of(i, obj, targets, kinds, labels)
                item["references"] = [
                    [id(target), kind, label if kind == probe.EDGE_KIND_INDEX else
                     (None if label == probe.NO_STRING else capture.text(label))]
                    for target, kind, label in zip(targets, kinds, labels)]
                item["truncated"] = bool(capture.flags[i] & probe.NODE_FLAG_TRUNCATED)
            item["diagnostics"] += [[code, message] for n, code, message in capture.diagnostics
                                    if n == i and code != "probe.own_sizeof"]
            out.append(item)
        return out
    finally:
        # Nothing of the program's stays held here, even when a Stop ends this call: the
        # refcounts a retry reads are the program's own.
        objects = obj = targets = capture = None
