"""The interpreter's state before any program ran, and putting it back after each run.

A program runs against the interpreter's real ``builtins``, ``sys`` and modules, so it can
change what the next run sees: rebind ``builtins.id``, set a tracer or a ``gc`` callback,
replace ``sys.stdout``, patch a function of ``json`` or a method of a class of the
standard library, or import modules the next program then finds already imported. The
runner takes a Baseline once, before any program runs, and calls ``restore`` after every
run (and again before the next one, once the previous run's objects are freed, since
their finalizers are the program's code too):

    baseline = state.Baseline()        # at start-up, after the probe's own imports
    ...                                # a program runs
    problems = state.restore(baseline) # [] when everything is as it was

What cannot be put back (a builtin type's namespace changed through gc tricks, say) is a
problem the host answers by replacing the interpreter: web/sandbox.js starts a fresh
worker, the Node host a fresh child process.

It also keeps a program away from the bridges to the host: while ``program_running`` is
set, importing ``js``, ``pyodide``, ``ctypes`` and their kin raises ImportError (see
BLOCKED), and those modules are out of ``sys.modules``. This is a courtesy, not the wall:
the wall is the host's (an opaque-origin worker in the page, Node's permission model).
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import builtins
import gc
import os
import signal
import sys
import tracemalloc
import types

from . import safe

# Modules a program may not import here: the bridges from Python to JavaScript and to raw
# memory. Names and their submodules.
BLOCKED = ("js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core", "ctypes", "_ctypes", "micropip")

# sys attributes that change as a matter of course, or hold the last error's objects:
# removed after a run, never restored.
_SYS_VOLATILE = frozenset({"last_exc", "last_type", "last_value", "last_traceback"})

# sys attributes that are lists the import system and CPython mutate in place: their
# contents are compared and put back.
_SYS_LISTS = ("path", "meta_path", "path_hooks", "warnoptions")

_MISSING = object()

# This package: its modules' globals hold its own state, which restore() leaves alone.
OWN_PACKAGE = __name__.rpartition(".")[0]


def _blocked(name):
    return any(name == b or name.startswith(b + ".") for b in BLOCKED)


class _Blocker:
    """A meta path finder that refuses the bridges while a program runs."""

    def __init__(self):
        self.active = False

    def find_spec(self, name, path=None, target=None):
        if self.active and _blocked(name):
            raise ImportError(
                "%s is not available in Bytewise's sandbox: programs here run without access to "
                "the page, the host or raw memory. Everything else of Python's standard library "
                "works." % name, name=name)
        return None


BLOCKER = _Blocker()


class program_running:
    """Context manager around the program's own code: the bridges are out of reach."""

    def __init__(self, baseline):
        self.baseline = baseline

    def __enter__(self):
        for name in list(sys.modules):
            if _blocked(name):
                del sys.modules[name]
        if sys.meta_path[:1] != [BLOCKER]:
            sys.meta_path.insert(0, BLOCKER)
        BLOCKER.active = True
        return self

    def __exit__(self, *exc):
        BLOCKER.active = False
        return False


def _functions(namespace):
    """(function, its code, defaults, kwdefaults) for the plain functions in a namespace."""
    out = []
    for value in namespace.values():
        if type(value) is types.FunctionType:
            out.append((value, value.__code__, value.__defaults__, value.__kwdefaults__))
    return out


def _is_mutable_class(value):
    return (type(value) is type or issubclass(type(value), type)) and safe.is_heap_type(value) and \
        not safe.flags(value) & safe.Py_TPFLAGS_IMMUTABLETYPE


def _is_static_type(value):
    return issubclass(type(value), type) and not safe.is_heap_type(value)


class Baseline:
    """What restore() puts back. Take it after the runner's own set-up and warm-up, before
    any program runs."""

    def __init__(self):
        self.builtins = dict(builtins.__dict__)
        self.sys = {name: value for name, value in vars(sys).items() if name not in _SYS_VOLATILE}
        self.sys_lists = {name: list(getattr(sys, name)) for name in _SYS_LISTS if hasattr(sys, name)}
        self.recursion_limit = sys.getrecursionlimit()
        self.int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.switch_interval = sys.getswitchinterval()
        self.gc_callbacks = list(gc.callbacks)
        self.gc_enabled = gc.isenabled()
        self.gc_threshold = gc.get_threshold()
        self.sigint = signal.getsignal(signal.SIGINT)
        self.environ = dict(os.environ)
        self.cwd = os.getcwd()
        self.streams = {name: dict(vars(stream)) for name in ("stdin", "stdout", "stderr")
                        if (stream := getattr(sys, name, None)) is not None and hasattr(stream, "__dict__")}
        self.modules = {}
        self.module_dicts = {}
        self.functions = []
        self.classes = {}
        self.static_types = {}
        for name, module in list(sys.modules.items()):
            if module is None:
                continue
            self.modules[name] = module
            namespace = getattr(module, "__dict__", None)
            if type(namespace) is not dict:
                continue
            self.module_dicts[name] = dict(namespace)
            self.functions.extend(_functions(namespace))
            for value in namespace.values():
                if _is_mutable_class(value) and value not in self.classes:
                    ns = dict(safe.namespace(value))
                    self.classes[value] = ns
                    self.functions.extend(_functions(ns))
                elif _is_static_type(value) and value not in self.static_types:
                    self.static_types[value] = dict(safe.namespace(value))
        own = OWN_PACKAGE + "."
        self.own_functions = [entry for entry in self.functions
                              if (entry[0].__module__ or "") == OWN_PACKAGE
                              or (entry[0].__module__ or "").startswith(own)]
        for value in builtins.__dict__.values():
            if _is_static_type(value) and value not in self.static_types:
                self.static_types[value] = dict(safe.namespace(value))


def _restore_dict(target, saved, setter, deleter, keep=()):
    """Makes `target` hold what `saved` held (the same objects); returns the names changed."""
    changed = []
    for name in list(target):
        if name in keep:
            continue
        if name not in saved:
            deleter(name)
            changed.append(name)
    for name, value in saved.items():
        if name in keep:
            continue
        if target.get(name, _MISSING) is not value:
            setter(name, value)
            changed.append(name)
    return changed


# Bound now: a program may rebind the module's names.
_tracing = tracemalloc.is_tracing
_stop_tracing = tracemalloc.stop


def quiet(stop_tracemalloc=True):
    """Turns off what would run a program's code inside the capture: its tracer and
    profiler, its sys.monitoring tools, its gc callbacks, and the cyclic collector (which
    runs finalizers); and tracemalloc when the program left it on (it would slow the
    capture several times over, and every later run), unless ``stop_tracemalloc`` is false
    (the run's own tracing is read first). restore() turns back on what the baseline had."""
    if stop_tracemalloc and _tracing():
        _stop_tracing()
    sys.settrace(None)
    sys.setprofile(None)
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        for tool in range(6):
            if monitoring.get_tool(tool) is not None:
                _free_tool(monitoring, tool)
    gc.callbacks[:] = []
    gc.disable()


def _free_tool(monitoring, tool):
    monitoring.set_events(tool, 0)
    for name, event in vars(monitoring.events).items():
        # One bit each (NO_EVENTS and the unions are not events a callback is for).
        if type(event) is int and event > 0 and event & (event - 1) == 0 and not name.startswith("_"):
            try:
                monitoring.register_callback(tool, event, None)
            except ValueError:
                pass
    clear = getattr(monitoring, "clear_tool_id", None)
    if clear is not None:
        clear(tool)
    monitoring.free_tool_id(tool)


# The package's own builtins as they were on import, to put back into PRIVATE_BUILTINS.
_OWN_BUILTINS = __builtins__
_SAVED_OWN_BUILTINS = dict(__builtins__)


def _own_modules(baseline):
    """(module, its baseline namespace) for each module of this package."""
    return [(baseline.modules[name], saved) for name, saved in baseline.module_dicts.items()
            if name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + ".")]


def restore_own(baseline, _update=dict.update, _clear=dict.clear, _get=dict.get, _set=dict.__setitem__,
                _items=dict.items, _callable=callable, _modtype=types.ModuleType, _functype=types.FunctionType,
                _type=type, _setattr=object.__setattr__):
    """The first thing after a program's code: this package's builtins, and its modules'
    functions (with their code and defaults), classes, bound functions and imported
    modules, are put back before the capture calls any of them. A program that rebinds
    the probe's names therefore falsifies neither its own capture nor any later run. What
    this function calls is bound in its defaults, before any program ran."""
    if _OWN_BUILTINS != _SAVED_OWN_BUILTINS:
        _clear(_OWN_BUILTINS)
        _update(_OWN_BUILTINS, _SAVED_OWN_BUILTINS)
    for module, saved in _own_modules(baseline):
        namespace = module.__dict__
        for key, value in _items(saved):
            if (_callable(value) or _type(value) is _modtype) and _get(namespace, key, _MISSING) is not value:
                _set(namespace, key, value)
    for function, code, defaults, kwdefaults in baseline.own_functions:
        if function.__code__ is not code:
            _setattr(function, "__code__", code)
        if function.__defaults__ is not defaults:
            _setattr(function, "__defaults__", defaults)
        if function.__kwdefaults__ is not kwdefaults:
            _setattr(function, "__kwdefaults__", kwdefaults)


def restore(baseline):
    """Puts the interpreter back as the baseline found it. Returns a list of problems, each
    a sentence; empty when all is as it was."""
    problems = []
    restore_own(baseline)
    quiet()
    _restore_dict(builtins.__dict__, baseline.builtins, builtins.__dict__.__setitem__, builtins.__dict__.__delitem__)
    # sys: its own attributes, the lists the import system uses, and the limits.
    for name in _SYS_VOLATILE:
        sys.__dict__.pop(name, None)
    _restore_dict(sys.__dict__, baseline.sys, sys.__dict__.__setitem__, sys.__dict__.__delitem__,
                  keep=_SYS_VOLATILE | {"modules"})
    for name, saved in baseline.sys_lists.items():
        current = getattr(sys, name)
        if current != saved or any(a is not b for a, b in zip(current, saved)):
            current[:] = saved
    try:
        # The runner's capped setter, which the restored sys holds again.
        baseline.sys["setrecursionlimit"](baseline.recursion_limit)
    except Exception as exc:  # noqa: BLE001 - reported, and the host starts afresh
        problems.append("the recursion limit could not be set back (%s)" % exc)
    if baseline.int_digits is not None:
        sys.set_int_max_str_digits(baseline.int_digits)
    sys.setswitchinterval(baseline.switch_interval)
    gc.callbacks[:] = baseline.gc_callbacks
    if baseline.gc_enabled:
        gc.enable()
    gc.set_threshold(*baseline.gc_threshold)
    if signal.getsignal(signal.SIGINT) is not baseline.sigint:
        signal.signal(signal.SIGINT, baseline.sigint)
    if dict(os.environ) != baseline.environ:
        os.environ.clear()
        os.environ.update(baseline.environ)
    if os.getcwd() != baseline.cwd:
        try:
            os.chdir(baseline.cwd)
        except OSError as exc:
            problems.append("the working directory could not be set back (%s)" % exc)
    for name, saved in baseline.streams.items():
        stream = getattr(sys, name, None)
        if stream is not None and hasattr(stream, "__dict__"):
            _restore_dict(vars(stream), saved, vars(stream).__setitem__, vars(stream).__delitem__)
    # Modules: those imported since are forgotten (the next import runs them afresh); the
    # baseline's get back their namespaces, functions and classes.
    for name in list(sys.modules):
        if name not in baseline.modules:
            del sys.modules[name]
    for name, module in baseline.modules.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
    for name, saved in baseline.module_dicts.items():
        namespace = baseline.modules[name].__dict__
        if name in ("sys", "__main__"):
            # sys was put back above; __main__ is the host's scratch namespace (Pyodide's
            # runPython), never a program's: programs run in a namespace of their own.
            continue
        if name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + "."):
            # Bytewise's own modules keep state in their globals (caches, the current run):
            # only their functions, classes and imported modules are put back.
            continue  # restore_own() put back its definitions
        _restore_dict(namespace, saved, namespace.__setitem__, namespace.__delitem__)
    for cls, saved in baseline.classes.items():
        current = safe.namespace(cls)
        if len(current) != len(saved) or any(current.get(k, _MISSING) is not v for k, v in saved.items()):
            try:
                _restore_dict(dict(current), saved, lambda k, v, c=cls: type.__setattr__(c, k, v),
                              lambda k, c=cls: type.__delattr__(c, k))
            except (TypeError, AttributeError) as exc:
                problems.append("class %s could not be put back (%s)" % (safe.qualname(cls), exc))
    for function, code, defaults, kwdefaults in baseline.functions:
        if function.__code__ is not code:
            function.__code__ = code
        if function.__defaults__ is not defaults:
            function.__defaults__ = defaults
        if function.__kwdefaults__ is not kwdefaults:
            function.__kwdefaults__ = kwdefaults
    for cls, saved in baseline.static_types.items():
        current = safe.namespace(cls)
        if len(current) != len(saved) or any(current.get(k, _MISSING) is not v for k, v in saved.items()):
            problems.append("CPython's own type %s was changed, which only a fresh interpreter undoes"
                            % safe.qualname(cls))
    return problems
