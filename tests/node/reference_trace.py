"""An independent line-by-line trace, for checking the recorder (_bytewise/stepping.py)
and the core's trace report: sys.settrace's line events instead of sys.monitoring, the
frames read from the trace function's own frame, and every variable sized by
reference_sizes.py's walk instead of the probe and the core."""

import sys
import types

import reference_sizes

FILENAME = "trace_oracle.py"


def _variables(frame, module):
    if module:
        return {name: value for name, value in frame.f_globals.items()
                if not (name.startswith("__") and name.endswith("__")) and not isinstance(value, types.ModuleType)}
    return dict(frame.f_locals.items())


_OWN = set()  # ids of the oracle's trace functions: a traced frame holds one (f_trace)


def _deep(obj):
    """reference_sizes.deep, less the oracle's own trace functions (the recorder's frames
    hold no such thing)."""
    seen, total, count, todo = set(_OWN), 0, 0, [obj]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        count += 1
        todo.extend(c for c in reference_sizes.children(o) if not isinstance(c, reference_sizes._NEVER))
    return total, count


def _sized(frame, module):
    out = []
    for name, value in _variables(frame, module).items():
        size, count = _deep(value)
        out.append([name, sys.getsizeof(value), size, count])
    return out


def _stack(frame):
    frames = []
    while frame is not None:
        if frame.f_code.co_filename == FILENAME:
            frames.append(frame)
        frame = frame.f_back
    frames.reverse()
    return frames


def trace(source):
    """[[line, [[function, line, [[name, shallow, deep, objects], ...]], ...]], ...], the
    last step's line None (the program's end)."""
    steps = []
    namespace = {"__name__": "__main__"}

    def local(frame, event, arg):
        # CPython does not trace the trace function's own calls: sizing here is invisible.
        if event == "line":
            stack = _stack(frame)
            steps.append([frame.f_lineno, [[f.f_code.co_qualname, f.f_lineno, _sized(f, i == 0)]
                                           for i, f in enumerate(stack)]])
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == FILENAME else None

    _OWN.clear()
    _OWN.update((id(local), id(calls)))
    code = compile(source, FILENAME, "exec")
    sys.settrace(calls)
    try:
        exec(code, namespace)
    except Exception:  # noqa: BLE001 - an uncaught exception ends the program, as in the recorder
        pass
    finally:
        sys.settrace(None)
    module = types.SimpleNamespace(f_globals=namespace)
    steps.append([None, [["<module>", None, _sized(module, True)]]])
    return steps
