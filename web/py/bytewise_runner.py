"""Runs a user's program as ``__main__`` in a fresh namespace, then captures its variables.

Use::

    import bytewise_runner
    snapshot, error = bytewise_runner.run_and_capture("x = [1, 2, 3]")

``error`` is None on success, else the traceback text the user should see: only their own
frames, with their own line numbers, as CPython would print it for ``python main.py``.
The snapshot is captured either way, so a program that fails half-way still shows the
objects it made.
"""

import builtins
import linecache
import sys
import traceback

import bytewise_probe

FILENAME = "main.py"


def _register_source(source, filename):
    # Lets tracebacks quote the user's lines, as they would for a file on disk.
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def _user_traceback(exc, filename):
    tb = exc.__traceback__
    # Drop the frames of this module: the user's program starts at the first frame whose
    # code comes from their file.
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def run_program(source, filename=FILENAME):
    """Executes ``source``; returns (namespace, error text or None)."""
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": filename}
    _register_source(source, filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as exc:
        return namespace, "".join(traceback.format_exception_only(type(exc), exc))
    try:
        exec(code, namespace)  # noqa: S102 - running the user's program is the point
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return namespace, "SystemExit: %s\n" % (exc.code,)
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the user
        return namespace, _user_traceback(exc, filename)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return namespace, None


def run_and_capture(source, object_cap=bytewise_probe.DEFAULT_OBJECT_CAP):
    """Runs ``source`` and captures its user-defined globals: (snapshot bytes, error)."""
    namespace, error = run_program(source)
    return bytewise_probe.capture_namespace(namespace, object_cap), error
