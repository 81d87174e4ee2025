"""Runs a user's program as ``__main__`` in a fresh namespace, then captures its variables.

Use::

    from _bytewise import runner
    result = runner.run_and_capture("x = [1, 2, 3]", probe_options)  # every name of PROBE_OPTIONS
    result["snapshot"], result["error"], result["tracemalloc"]

Errors in the user's program come back as text shaped like CPython's own traceback, with
only the user's frames and line numbers. The snapshot is captured either way, so a
program that fails half-way still shows the objects it made.

A run's namespace stays alive until the next run (or release()): freeing a structure
nested thousands deep recurses in C, and under Pyodide that overflows the JavaScript
stack and kills the interpreter, so release() first takes such structures apart from
the bottom up.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import ast
import builtins
import gc
import linecache
import os
import sys
import time
import traceback

from . import probe, safe, state
from . import tracing

FILENAME = "main.py"
# The folder that holds the bytewise module and this package: frames of files in it are
# Bytewise's own, not the user's.
_OWN_FILES = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Objects deeper than this in a released namespace are emptied bottom-up first.
_DISMANTLE_DEPTH = 200
_DISMANTLE_LIMIT = 2_000_000

_previous = []  # the last run's namespace, alive until the next run

# The deepest Python recursion allowed. Under Pyodide a RecursionError that unwinds
# through more than about 5,000 frames of Python functions exhausts the JavaScript stack
# and kills the interpreter (measured in Node and Chromium); tests/node/sandbox.test.mjs
# and tests/browser/sandbox.test.mjs prove this limit safe for functions, methods,
# comprehensions, try/finally and handlers in each frame. Recursion that passes through C
# (a __repr__ calling repr, chains of `yield from`, json/pickle/del of structures nested
# thousands deep) exhausts the stack after a few hundred levels whatever the limit:
# Pyodide dies, and the page's sandbox (web/sandbox.js) restarts it and says why.
RECURSION_LIMIT = 3_000
_set_recursion_limit = sys.setrecursionlimit
_DEFAULT_LIMIT = sys.getrecursionlimit()


def _capped_setrecursionlimit(limit):
    """sys.setrecursionlimit for user code: never above RECURSION_LIMIT."""
    if not issubclass(type(limit), int):
        return _set_recursion_limit(limit)  # CPython's own TypeError
    if limit > RECURSION_LIMIT:
        sys.stderr.write(
            "note: Bytewise keeps the recursion limit at %s; deeper recursion would crash "
            "the browser's Python (asked for %s).\n" % (format(RECURSION_LIMIT, ","), format(limit, ",")))
        limit = RECURSION_LIMIT
    return _set_recursion_limit(limit)


class _NoInput:
    """input() for programs that run without a keyboard. An object of a slotted class, not
    a function: a capture that reaches the builtins (every function's __builtins__) stops
    at its class (a type object, not followed unless followTypes is on), where a function's
    __globals__ would lead into this module's state."""

    __slots__ = ()

    def __call__(self, prompt=""):
        sys.stdout.write(str(prompt))
        raise EOFError("input() has no keyboard to read from here: the program runs on its own. "
                       "Write the value into the code instead, e.g. name = \"Ada\".")

    def __repr__(self):
        return "<input: no keyboard here>"


_no_input = _NoInput()


def sandbox():
    """Makes this interpreter safe for user code: the recursion limit capped and input()
    answered with a clear error; each run starts from the default limit. start() makes
    this part of the baseline that restore() keeps."""
    sys.setrecursionlimit = _capped_setrecursionlimit
    _set_recursion_limit(min(_DEFAULT_LIMIT, RECURSION_LIMIT))
    builtins.input = _no_input


_baseline = None  # state.Baseline, taken by start()
# The baseline again, where run_and_capture reaches it through its defaults: a program can
# rebind this module's names, not a function's defaults.
_HELD = []


def start():
    """Sets the interpreter up for programs, once, before the first: the sandbox's limits,
    a warm-up capture (the probe imports what it needs on first use), and the baseline of
    the interpreter's state that every run is put back to."""
    global _baseline
    sandbox()
    probe.platform_facts()
    probe.capture({"warm-up": [1.5, "x", (1,), {"k": None}]}, 100, None, 100)
    # The heap walker's side (the host calls it during captures): imported before the
    # baseline, so that a program can neither replace it nor leave it changed.
    from . import native  # noqa: F401
    _baseline = state.Baseline()
    _HELD[:] = [_baseline]


def prepare():
    """Before a run: frees the previous run's objects (their finalizers are the program's
    code, so the host bounds this call in time), collects cycles, and puts the
    interpreter back as start() found it. Returns what could not be put back (the host
    then starts a fresh interpreter)."""
    release()
    gc.collect()
    if type(_no_input) is not _NoInput:  # `input.__class__ = Mine` keeps the object, not its class
        object.__setattr__(_no_input, "__class__", _NoInput)
    return state.restore(_baseline) if _baseline is not None else []


def _register_source(source, filename):
    # Lets tracebacks quote the user's lines, as they would for a file on disk.
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def _user_traceback(exc, filename):
    """The traceback as CPython prints it, from the user's first frame on. No user code
    runs: an exception's text comes from probe._exception_text, which calls no
    __str__ or __repr__ of the user's (those may raise or loop)."""
    def own_frames(tb):
        # The user's program starts at the first frame whose code comes from their file.
        while tb is not None and tb.tb_frame.f_code.co_filename != filename:
            tb = tb.tb_next
        return tb

    chain, seen = [], set()
    current = exc
    while current is not None and id(current) not in seen and len(chain) < 20:
        seen.add(id(current))
        cause = BaseException.__cause__.__get__(current)
        context = BaseException.__context__.__get__(current)
        suppress = BaseException.__suppress_context__.__get__(current)
        link = cause if cause is not None else (None if suppress else context)
        chain.append((current, "direct" if cause is not None else "context" if link is not None else None))
        current = link
    lines = []
    for position, (item, how) in enumerate(reversed(chain)):
        if position:
            lines.append("\nThe above exception was the direct cause of the following exception:\n\n"
                         if how == "direct" else
                         "\nDuring handling of the above exception, another exception occurred:\n\n")
        tb = own_frames(BaseException.__traceback__.__get__(item)) if item is exc else \
            BaseException.__traceback__.__get__(item)
        # Bytewise's own frames (input() here, say) are not the user's business.
        frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(_OWN_FILES)]
        if frames:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.StackSummary.from_list(frames).format())
        lines.append(probe._exception_text(item) + "\n")
    return "".join(lines)


def _dismantle(namespace):
    """Empties lists, dicts and sets that sit deep inside the namespace's structures,
    deepest first, so that freeing them never recurses deeply."""
    depth_of = {}
    order = []
    frontier = [(value, 0) for value in namespace.values()]
    while frontier and len(order) < _DISMANTLE_LIMIT:
        obj, depth = frontier.pop()
        if id(obj) in depth_of:
            continue
        t = type(obj)
        if t is list or t is tuple:
            children = obj
        elif t is dict:
            children = dict.values(obj)
        elif t is set or t is frozenset:
            children = obj
        else:
            continue
        depth_of[id(obj)] = depth
        order.append(obj)
        frontier.extend((child, depth + 1) for child in children)
    for obj in reversed(order):
        if depth_of[id(obj)] < _DISMANTLE_DEPTH:
            continue
        t = type(obj)
        if t is list:
            del obj[:]
        elif t is dict:
            dict.clear(obj)
        elif t is set:
            set.clear(obj)


def _hint(exc):
    """What an error means in this sandbox, where it differs from a laptop's Python."""
    heap = "a WebAssembly heap of at most 4 GiB"
    t = type(exc)  # isinstance could run a __getattribute__ of the user's
    if issubclass(t, MemoryError):
        return ("The program asked for more memory than this browser's Python can get (%s). "
                "Python is still usable; try a smaller size." % heap)
    if issubclass(t, OverflowError) and "index-sized" in probe._exception_text(exc):
        return ("This Python is 32-bit: a size or index must stay below 2**31, and the "
                "whole heap is at most 4 GiB. On a 64-bit laptop the same line would "
                "fail with MemoryError instead, unless the machine had the memory. Try a "
                "smaller size.")
    if issubclass(t, RecursionError):
        return ("The recursion went deeper than the limit (sys.getrecursionlimit(), at most "
                "%s here: deeper unwinding would crash the browser's Python). Recursion "
                "that deep is usually a missing base case." % format(RECURSION_LIMIT, ","))
    return None


def release():
    """Frees the previous run's namespace safely."""
    while _previous:
        namespace = _previous.pop()
        _dismantle(namespace)
        namespace.clear()


def run_program(source, filename=FILENAME, trace=None, *, _restore_own=state.restore_own, _quiet=state.quiet,
                _held=_HELD):
    """Executes ``source``; returns (namespace, error or None), where error is a dict with
    ``type``, ``message`` and ``traceback``. ``trace`` is an optional
    _bytewise.tracing.Session that observes the run."""
    release()
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": filename}
    _previous.append(namespace)
    _register_source(source, filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as exc:
        return namespace, {"type": "SyntaxError", "message": str(exc.msg),
                           "traceback": "".join(traceback.format_exception_only(type(exc), exc))}
    except UnicodeEncodeError as exc:
        # A lone surrogate (half of a UTF-16 pair, from a paste) cannot be UTF-8 source.
        line = source.count("\n", 0, exc.start) + 1
        message = ("the code holds the character U+%04X, half of a surrogate pair, which no "
                   "Python source may hold; delete it or retype that character" % ord(source[exc.start]))
        return namespace, {"type": "SyntaxError", "message": message,
                           "traceback": '  File "%s", line %d\nSyntaxError: %s\n' % (filename, line, message)}
    if trace is not None:
        trace.start()
    caught = None
    try:
        exec(code, namespace)  # noqa: S102 - running the user's program is the point
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the user
        caught = exc
    # The program's tracers, profilers, monitoring and gc callbacks go before any of this
    # package's code runs under them; then its names come back as the program found them.
    _quiet(False)
    if _held:
        _restore_own(_held[0])
    if trace is not None:
        trace.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    if caught is None:
        return namespace, None
    if issubclass(type(caught), SystemExit):
        if caught.code in (None, 0):
            return namespace, None
        return namespace, {"type": "SystemExit", "message": str(caught.code),
                           "traceback": "SystemExit: %s\n" % (caught.code,)}
    error = {"type": safe.qualname(type(caught)),
             "message": probe._exception_text(caught),
             "traceback": _user_traceback(caught, filename)}
    hint = _hint(caught)
    if hint:
        error["hint"] = hint
    return namespace, error


def _roots(namespace, expressions):
    """Roots named by expressions evaluated in the program's namespace."""
    roots, problems = {}, []
    for text in expressions:
        try:
            roots[text] = eval(compile(text, "<root>", "eval"), namespace)  # noqa: S307
        except BaseException as exc:  # noqa: BLE001
            problems.append(("probe.root_failed", "The root expression %r raised %s; it is left "
                             "out." % (text, probe._exception_text(exc))))
    return roots, problems


def _constant(node):
    """Whether the compiler folds node to a constant (-1, (1, 2), 'a' are; names are not)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
        return _constant(node.operand)
    return isinstance(node, ast.Tuple) and all(_constant(e) for e in node.elts)


def _called(node, *names):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _list_source(arg):
    """The construction list(arg) follows, from arg's syntax; None when arg's kind is unknown."""
    if isinstance(arg, (ast.List, ast.Tuple, ast.ListComp)) or (
            isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or _called(arg, "range", "list", "tuple", "str"):
        return "from_iterable"
    if _called(arg, "iter", "reversed"):
        return "iterated"
    if isinstance(arg, ast.GeneratorExp) or _called(arg, "map", "filter", "zip", "enumerate"):
        return "unsized"
    if isinstance(arg, (ast.Set, ast.Dict, ast.SetComp, ast.DictComp)) or _called(arg, "set", "frozenset", "dict"):
        return "from_set"
    return None


def list_construction(expression):
    """How the container an expression builds gets its slots, read from the expression
    itself: a list's way ("literal", "display", "exact", "appends", "from_iterable",
    "iterated", "unsized", "from_set", "split"), a dict's ("dict_grown", "dict_called",
    "dict_presized"), a set's ("set_literal", "set_added", "set_merged"), or "inferred"
    (core/include/bytewise/layout_model.hpp parse_hint)."""
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return "inferred"
    if isinstance(tree, ast.List):
        if any(isinstance(e, ast.Starred) for e in tree.elts):
            return "iterated" if len(tree.elts) == 1 else "inferred"
        return "literal" if len(tree.elts) >= 3 and all(_constant(e) for e in tree.elts) else "display"
    if isinstance(tree, ast.ListComp):
        return "appends"
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Mult) and (
            isinstance(tree.left, ast.List) or isinstance(tree.right, ast.List)):
        return "exact"
    if isinstance(tree, ast.Call) and not tree.keywords and len(tree.args) == 1:
        if _called(tree, "list"):
            return _list_source(tree.args[0]) or "inferred"
        if _called(tree, "sorted"):
            return "iterated"
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Attribute) and tree.func.attr == "split" \
            and not tree.args and not tree.keywords:
        return "split"
    if isinstance(tree, (ast.Dict, ast.DictComp)):
        return "dict_grown"
    if _called(tree, "dict"):
        return "dict_called"
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Attribute) and tree.func.attr == "fromkeys" \
            and isinstance(tree.func.value, ast.Name) and tree.func.value.id == "dict" and tree.args:
        source = tree.args[0]
        sized_once = isinstance(source, (ast.Set, ast.Dict, ast.SetComp, ast.DictComp)) or _called(source, "set", "dict")
        return "dict_presized" if sized_once else "dict_called"
    if isinstance(tree, ast.Set):
        return "set_literal" if all(_constant(e) for e in tree.elts) else "set_added"
    if isinstance(tree, ast.SetComp):
        return "set_added"
    return "inferred"


# The probe's options, as the core's option table gives them (web/analyser.js check():
# core/include/bytewise/options.hpp probe_options_json). Their defaults live in that table
# alone, so every one must be given here.
PROBE_OPTIONS = ("object_cap", "edge_cap", "roots", "follow_types", "follow_modules", "follow_globals",
                 "follow_code", "tracemalloc")


def run_and_capture(source, options, on_capture=None, walk=None, *, _restore_own=state.restore_own,
                    _held=_HELD):
    """Runs ``source`` and captures its variables. ``options`` holds every name of
    PROBE_OPTIONS: object_cap, edge_cap, roots (expressions, or None for the program's
    own variables), follow_types, follow_modules, follow_globals, follow_code,
    tracemalloc. ``on_capture`` (optional) is called when the program has ended, before
    the capture.

    ``walk`` (optional) is the host's native capture (web/native-capture.js, the core's
    heap walker): called as walk(roots, policy_bits, object_cap, edge_cap, diagnostics,
    held) with roots as [(name, id(value))] and held the ids of the references this
    function holds to them (taken off their refcounts), while the roots are held alive
    and nothing of the program can run. It keeps the snapshot itself and returns true,
    or returns false when the probe must capture instead (the host knows why).

    Returns a dict: snapshot (bytes, or None when ``walk`` captured), error (dict or
    None), tracemalloc (dict or None), run_ms, capture_ms, and unrestored: what of the
    interpreter's state the program changed beyond repair (state.restore); the host
    replaces the interpreter when it is not empty.
    """
    options = dict(options)
    missing = [name for name in PROBE_OPTIONS if name not in options]
    if missing:
        raise ValueError("run_and_capture needs every probe option; missing: %s" % ", ".join(missing))
    trace = tracing.Session(FILENAME, enabled=bool(options["tracemalloc"]))
    started = time.perf_counter()
    with state.program_running(_baseline):
        namespace, error = run_program(source, FILENAME, trace)
        # Root expressions are the caller's code evaluated among the program's objects:
        # they belong to the program's time, before the capture.
        expressions = options["roots"]
        if expressions:
            roots, problems = _roots(namespace, expressions)
        else:
            roots, problems = probe.user_names(namespace), []
    ran = time.perf_counter()
    if _held:
        # Again: the root expressions are the caller's code too.
        _restore_own(_held[0])
    if on_capture is not None:
        on_capture()
    # Nothing of the program's may run inside the capture: its tracers, monitoring, gc
    # callbacks and finalizers are turned off until the interpreter is put back.
    state.quiet()
    policy = probe.make_policy(
        options["follow_types"], options["follow_modules"], options["follow_globals"], options["follow_code"])

    def capture():
        if walk is not None:
            named = [(name, id(value)) for name, value in roots.items()]
            # What this function holds of the roots while the walker counts references:
            # the mapping's names and values, and the names again in ``named``.
            held = [id(name) for name in roots] * 2 + [id(value) for value in roots.values()]
            if walk(named, policy.bits(), options["object_cap"], options["edge_cap"], list(problems), held):
                return None
        return probe.capture(
            roots, options["object_cap"], policy, options["edge_cap"], list(problems), own_limit=(
                "The Python probe captured this run (the report's capture says why), and it stops at "
                "{:,} objects, before the object cap of {:,}: sizes marked \u2265 count only what it "
                "captured."))
    try:
        snapshot = capture()
    except KeyboardInterrupt:
        # A Stop that crossed the program's end: the page stops interrupting once told
        # (on_capture), so the second try runs undisturbed.
        if on_capture is not None:
            on_capture()
        snapshot = capture()
    captured = time.perf_counter()
    # The program's objects stay alive for the X-ray until prepare(); everything else is
    # put back now, so that nothing asked of this interpreter before then sees its changes.
    unrestored = state.restore(_held[0]) if _held else []
    return {
        "snapshot": snapshot,
        "error": error,
        "tracemalloc": trace.report(),
        "run_ms": (ran - started) * 1000,
        "capture_ms": (captured - ran) * 1000,
        "unrestored": unrestored,
    }
