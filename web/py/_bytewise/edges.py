"""Which references an object owns: the rules of the Bytewise probe's walk.

``references(obj, policy)`` returns the labelled references of one object, as triples
``(target, kind, label)``: kind is an ``EDGE_KIND_`` of format.py, label is an int (a
position, for ``EDGE_KIND_INDEX``) or a str or None. The walk itself (ids, columns, the
object cap) is in probe.py; this module only answers "what does this object point to, and
why".

Ground rules, all of them about not changing what is measured and not running user code:
  * Contents of lists, tuples, dicts and sets are read through the builtin types' own
    methods (``list.__iter__(obj)``, ``dict.items(obj)``), never through a subclass's.
  * Everything else comes from ``gc.get_referents``: CPython's own traversal (tp_traverse)
    of the object, which runs no Python code and creates nothing.
  * Instance attributes are *labelled* by matching those referents against the values of
    candidate attribute names, read with ``object.__getattribute__`` only where no
    descriptor on the class could run code. Never through ``obj.__dict__`` or ``vars``:
    on CPython 3.11+ an instance's attributes live in a values array (3.13+: inline,
    after the object) and reading ``__dict__`` creates a dict object that did not exist
    before (on 3.11 and 3.12 it then stays, and gc sees the dict instead of the values).
    ``sys.getsizeof`` never counts those inline values (CPython gh-128762).
  * A generator's frame is read through ``gc.get_referents(gen)`` too: ``gen.gi_frame``
    would create a frame object that lives as long as the generator. Its locals are
    therefore unlabelled (CPython skips unset locals, so positions cannot be trusted).
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
from gc import get_referents  # bound now: a program may rebind gc.get_referents
import types

from . import safe
from itertools import islice
from operator import attrgetter, is_

from .format import (
    CAPTURE_POLICY_FOLLOW_CODE, CAPTURE_POLICY_FOLLOW_GLOBALS, CAPTURE_POLICY_FOLLOW_MODULES,
    CAPTURE_POLICY_FOLLOW_TYPES, EDGE_KIND_ATTRIBUTE, EDGE_KIND_CLOSURE_CELL, EDGE_KIND_CODE,
    EDGE_KIND_DEFINITION, EDGE_KIND_DICT_KEY, EDGE_KIND_DICT_VALUE, EDGE_KIND_FRAME_LOCAL,
    EDGE_KIND_GLOBALS, EDGE_KIND_INDEX, EDGE_KIND_OTHER, EDGE_KIND_SET_MEMBER, EDGE_KIND_SLOT,
    EDGE_KIND_TYPE,
)


# Objects with no references worth walking: exact types only (a subclass may add some).
ATOMIC_TYPES = frozenset({int, float, complex, str, bytes, bool, type(None), bytearray, range,
                          type(...), type(NotImplemented)})
try:  # array is in every CPython we target, but the probe must not depend on it
    import array as _array

    ATOMIC_TYPES = ATOMIC_TYPES | {_array.array}
except ImportError:  # pragma: no cover
    pass

_GENERATOR_TYPES = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)
_FUNCTION_TYPES = (types.FunctionType,)


class Policy:
    """What the walk expands. Matches the capture-policy bits of the snapshot format."""

    __slots__ = ("follow_types", "follow_modules", "follow_globals", "follow_code")

    def __init__(self, follow_types=False, follow_modules=False, follow_globals=False,
                 follow_code=False):
        self.follow_types = bool(follow_types)
        self.follow_modules = bool(follow_modules)
        self.follow_globals = bool(follow_globals)
        self.follow_code = bool(follow_code)

    @classmethod
    def from_bits(cls, bits):
        """The policy of a snapshot's (or the walker's) capture-policy bits."""
        return cls(bits & CAPTURE_POLICY_FOLLOW_TYPES, bits & CAPTURE_POLICY_FOLLOW_MODULES,
                   bits & CAPTURE_POLICY_FOLLOW_GLOBALS, bits & CAPTURE_POLICY_FOLLOW_CODE)

    def bits(self):
        return ((CAPTURE_POLICY_FOLLOW_TYPES if self.follow_types else 0)
                | (CAPTURE_POLICY_FOLLOW_MODULES if self.follow_modules else 0)
                | (CAPTURE_POLICY_FOLLOW_GLOBALS if self.follow_globals else 0)
                | (CAPTURE_POLICY_FOLLOW_CODE if self.follow_code else 0))


DEFAULT_POLICY = Policy()


def expands(obj, policy):
    """False for objects the policy records as leaves (their references are not walked)."""
    if issubclass(type(obj), type):
        return policy.follow_types
    if issubclass(type(obj), types.ModuleType):
        return policy.follow_modules
    if issubclass(type(obj), types.CodeType):
        return policy.follow_code
    return True


# -- Attribute names, without running code ---------------------------------------------

_names_cache = {}
_OBJECT_GETATTRIBUTE = object.__dict__["__getattribute__"]


def _code_names(code, out):
    """Attribute-like names a code object uses (co_names), nested code included."""
    stack = [code]
    while stack:
        c = stack.pop()
        out.update(c.co_names)
        for const in c.co_consts:
            if issubclass(type(const), types.CodeType):
                stack.append(const)


def _plain_instance_names(cls):
    """Names that may be instance attributes of cls and are safe to read with
    object.__getattribute__: no attribute of that name on any class of the MRO, so the
    lookup can only find the instance's own value (or fail)."""
    cached = _names_cache.get(cls)
    if cached is not None:
        return cached
    names = set()
    for klass in safe.mro(cls):
        namespace = safe.namespace(klass)
        static = namespace.get("__static_attributes__", ())
        if type(static) is tuple:
            names.update(name for name in static if type(name) is str)
        for value in namespace.values():
            if issubclass(type(value), (staticmethod, classmethod)):
                value = value.__func__
            if issubclass(type(value), types.FunctionType):
                _code_names(value.__code__, names)
            elif issubclass(type(value), property):
                for accessor in (value.fget, value.fset, value.fdel):
                    if issubclass(type(accessor), types.FunctionType):
                        _code_names(accessor.__code__, names)
    readable = []
    for name in sorted(names):
        if name.startswith("__") and name.endswith("__"):
            continue
        if any(name in safe.namespace(k) for k in safe.mro(cls)):
            continue
        readable.append(name)
    result = tuple(readable)
    _names_cache[cls] = result
    return result


def _slot_descriptors(cls):
    """(name, member descriptor) for every __slots__ entry of cls and its bases."""
    out = []
    for klass in safe.mro(cls):
        for name, value in safe.namespace(klass).items():
            if issubclass(type(value), types.MemberDescriptorType):
                out.append((name, value))
    return out


def _label_attributes(obj, cls, pending):
    """Turns referents in `pending` (id -> list of objects) that are slot or attribute
    values into labelled edges; returns them and leaves the rest in `pending`."""
    edges = []
    for name, descriptor in _slot_descriptors(cls):
        try:
            value = descriptor.__get__(obj, cls)
        except AttributeError:  # an empty slot
            continue
        if _take(pending, value):
            edges.append((value, EDGE_KIND_SLOT, name))
    if pending and safe.dictoffset(cls):
        for name in _plain_instance_names(cls):
            try:
                value = object.__getattribute__(obj, name)
            except AttributeError:
                continue
            if _take(pending, value):
                edges.append((value, EDGE_KIND_ATTRIBUTE, name))
    return edges


def _take(pending, value):
    found = pending.get(id(value))
    if not found:
        return False
    found.pop()
    if not found:
        del pending[id(value)]
    return True


def _pending(referents):
    pending = {}
    for r in referents:
        pending.setdefault(id(r), []).append(r)
    return pending


# -- References of one object ---------------------------------------------------------

def _container_edges(obj, limit):
    """Contents of list/tuple/dict/set-based objects, read through the builtin type; at
    most `limit` of them (the caller asks for one more than it keeps, to see overflow)."""
    if issubclass(type(obj), list):
        return [(item, EDGE_KIND_INDEX, i) for i, item in enumerate(islice(list.__iter__(obj), limit))]
    if issubclass(type(obj), tuple):
        return [(item, EDGE_KIND_INDEX, i) for i, item in enumerate(islice(tuple.__iter__(obj), limit))]
    if issubclass(type(obj), dict):
        edges = []
        for key, value in islice(dict.items(obj), (limit + 1) // 2):
            edges.append((key, EDGE_KIND_DICT_KEY, key))
            edges.append((value, EDGE_KIND_DICT_VALUE, key))
        return edges
    if issubclass(type(obj), set):
        return [(m, EDGE_KIND_SET_MEMBER, None) for m in islice(set.__iter__(obj), limit)]
    if issubclass(type(obj), frozenset):
        return [(m, EDGE_KIND_SET_MEMBER, None) for m in islice(frozenset.__iter__(obj), limit)]
    return []


def _function_edges(fn, hints):
    known = [
        (fn.__code__, EDGE_KIND_CODE, "__code__"),
        (fn.__globals__, EDGE_KIND_GLOBALS, "__globals__"),
        (getattr(fn, "__builtins__", None), EDGE_KIND_GLOBALS, "__builtins__"),
        (fn.__closure__, EDGE_KIND_OTHER, "__closure__"),
        (fn.__defaults__, EDGE_KIND_OTHER, "__defaults__"),
        (fn.__kwdefaults__, EDGE_KIND_OTHER, "__kwdefaults__"),
        (fn.__name__, EDGE_KIND_OTHER, "__name__"),
        (fn.__qualname__, EDGE_KIND_OTHER, "__qualname__"),
        (fn.__module__, EDGE_KIND_OTHER, "__module__"),
        (fn.__doc__, EDGE_KIND_OTHER, "__doc__"),
    ]
    if fn.__closure__ is not None:
        # When the walk reaches the closure tuple, its cells get the free variables' names.
        hints[id(fn.__closure__)] = fn.__code__.co_freevars
    pending = _pending(get_referents(fn))
    edges = []
    for target, kind, label in known:
        if target is not None and _take(pending, target):
            edges.append((target, kind, label))
    edges.extend(_rest(pending))
    return edges


def _generator_edges(gen):
    code = getattr(gen, "gi_code", None) or getattr(gen, "cr_code", None) or getattr(gen, "ag_code", None)
    referents = get_referents(gen)
    # The frame's values follow its code object in CPython's traversal order.
    last_code = max((i for i, r in enumerate(referents) if r is code), default=-1)
    edges = []
    for i, r in enumerate(referents):
        if r is code:
            edges.append((r, EDGE_KIND_CODE, "code"))
        elif issubclass(type(r), types.FunctionType) and r.__code__ is code:
            edges.append((r, EDGE_KIND_DEFINITION, "function"))
        elif i > last_code >= 0:
            edges.append((r, EDGE_KIND_FRAME_LOCAL, None))
        else:
            edges.append((r, EDGE_KIND_OTHER, None))
    return edges


# Frames of this package's own code (the runner that calls a program) are never the
# program's: the walk stops at the program's outermost frame.
_OWN_CODE_DIR = __file__.rpartition("/")[0] + "/"


def _own_frame(frame):
    filename = frame.f_code.co_filename
    return type(filename) is str and filename.startswith(_OWN_CODE_DIR)


def _frame_edges(frame):
    """A frame (kept alive by a traceback, say): its globals, builtins and code are not
    its own; its locals and the frame that called it are, unless that caller is
    Bytewise's runner (the program's outermost frame has no caller of the program's).
    f_locals is never read: it creates a dict (or a proxy) that was not there."""
    back = frame.f_back
    known = [
        (frame.f_globals, EDGE_KIND_GLOBALS, "f_globals"),
        (frame.f_builtins, EDGE_KIND_GLOBALS, "f_builtins"),
        (frame.f_code, EDGE_KIND_CODE, "f_code"),
    ]
    pending = _pending(get_referents(frame))
    if back is not None:
        if _own_frame(back):
            _take(pending, back)
        else:
            known.append((back, EDGE_KIND_OTHER, "f_back"))
    edges = []
    for target, kind, label in known:
        if target is not None and _take(pending, target):
            edges.append((target, kind, label))
    edges.extend((r, EDGE_KIND_FRAME_LOCAL, None) for found in pending.values() for r in found)
    return edges


def _rest(pending):
    return [(r, EDGE_KIND_OTHER, None) for found in pending.values() for r in found]


# -- A fast path for plain instances ---------------------------------------------------

_layouts = {}  # class -> (attribute names in CPython's value order, their getter) or None


def _plain_class(cls):
    """Classes whose attribute reads run no Python code and whose instances hold only
    attribute values: the generic __getattribute__, no __getattr__, no __slots__, and no
    builtin base other than object."""
    if not safe.is_heap_type(cls) or safe.lookup(cls, "__getattribute__") is not _OBJECT_GETATTRIBUTE:
        return False
    if safe.base(cls) is not object and not _plain_class(safe.base(cls)):
        return False
    namespace = safe.namespace(cls)
    return "__getattr__" not in namespace and "__slots__" not in namespace


def instance_layout(obj):
    """(attribute names in the order CPython lists the values, a getter for them) for an
    instance of a plain class, or None. The first instance of a class teaches the order
    (that of the class's shared keys); callers check each later instance against it
    value by value, by identity (see plain_instance_edges), so a wrong guess is never
    kept."""
    cls = type(obj)
    layout = _layouts.get(cls, False)
    if layout is False:
        layout = _layouts[cls] = _learn_layout(obj, cls) if _plain_class(cls) else None
    return layout


def plain_instance_values(obj, layout):
    """obj's attribute values in layout order when its referents are exactly those values
    and its class, else None."""
    names, getter = layout
    referents = get_referents(obj)
    count = len(names)
    if len(referents) != count + 1 or referents[count] is not type(obj):
        return None
    try:
        values = getter(obj) if count > 1 else (getter(obj),)
    except AttributeError:
        return None
    if not all(map(is_, values, referents)):
        return None
    return values


def plain_instance_edges(obj):
    """The references of an instance of a plain class, or None when the general rules
    must decide."""
    layout = instance_layout(obj)
    if layout is None:
        return None
    values = plain_instance_values(obj, layout)
    if values is None:
        return None
    edges = [(value, EDGE_KIND_ATTRIBUTE, name) for value, name in zip(values, layout[0])]
    edges.append((type(obj), EDGE_KIND_TYPE, None))
    return edges


def _learn_layout(obj, cls):
    referents = get_referents(obj)
    if not referents or referents[-1] is not cls:
        return None
    pending = _pending(referents[:-1])
    labelled = _label_attributes(obj, cls, pending)
    if pending or len(labelled) != len(referents) - 1:
        return None
    by_id = {id(value): name for value, _, name in labelled}
    if len(by_id) != len(labelled):  # two attributes hold one object: order unknowable
        return None
    names = tuple(by_id[id(r)] for r in referents[:-1])
    if not names:
        return None
    return names, attrgetter(*names)


def references(obj, policy=DEFAULT_POLICY, hints=None, limit=1 << 62):
    """The labelled references of ``obj``, as (target, kind, label) triples.

    ``hints`` is a dict the caller keeps for one whole walk: rules leave notes in it for
    objects met later (a function names the cells of its closure tuple). Containers yield
    at most ``limit`` contents; other objects all CPython reports.
    """
    t = type(obj)
    if t in ATOMIC_TYPES:
        return []
    if t is list or t is tuple or t is dict or t is set or t is frozenset:
        names = hints.pop(id(obj), None) if hints is not None and t is tuple else None
        if names is not None:  # a function's __closure__: cells named by free variable
            return [(cell, EDGE_KIND_CLOSURE_CELL, name) for cell, name in zip(obj, names)]
        return _container_edges(obj, limit)
    if t is types.FunctionType:
        return _function_edges(obj, hints if hints is not None else {})
    if issubclass(type(obj), type) or issubclass(type(obj), types.ModuleType) or issubclass(type(obj), types.CodeType):
        if not expands(obj, policy):
            return []
        return [(r, EDGE_KIND_OTHER, None) for r in get_referents(obj)]
    if t is types.MethodType:
        return [(obj.__self__, EDGE_KIND_OTHER, "__self__"), (obj.__func__, EDGE_KIND_DEFINITION, "__func__")]
    if issubclass(type(obj), _GENERATOR_TYPES):
        return _generator_edges(obj)
    if t is types.CellType:
        return [(r, EDGE_KIND_OTHER, "cell_contents") for r in get_referents(obj)]
    if t is types.FrameType:
        return _frame_edges(obj)

    # Builtin containers' subclasses and instances of user classes: contents through the
    # builtin base, the type, slot and attribute values by name, and whatever else
    # CPython's traversal reports.
    fast = plain_instance_edges(obj)
    if fast is not None:
        return fast
    edges = _container_edges(obj, limit)
    pending = _pending(get_referents(obj))
    for target, _, _ in edges:
        _take(pending, target)
    if _take(pending, t):
        edges.append((t, EDGE_KIND_TYPE, None))
    if safe.is_heap_type(t):  # a class statement made it
        edges.extend(_label_attributes(obj, t, pending))
    edges.extend(_rest(pending))
    return edges
