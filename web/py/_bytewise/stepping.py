"""Records a program line by line: at each line of the program's own code that is about to
run, the stack of the program's frames, their variables and a capture of every object
they reach; and one last step when the program has ended (or raised).

Use::

    from _bytewise import stepping
    result = stepping.record(source, probe_options, step_cap, on_step, walk)
    # on_step(meta, snapshot) is called once per step, in order, as it is recorded:
    #   meta = {"line": n or None, "frames": [{"function", "line", "variables": [names]}],
    #           "traced_current": bytes, "traced_peak": bytes}
    #   (the host adds "output": what was printed since the step before; the streams
    #   are flushed first)
    #   snapshot: a snapshot (bytes) whose roots are every frame's variables in that
    #   order, the module frame first, each named "<frame index>/<variable name>"; None
    #   when the host's heap walker captured the step (it keeps the snapshot)
    # walk (optional): the host's native capture, as runner.run_and_capture takes it
    # result = {"error", "steps", "truncated", "run_ms", "walked"} (walked: steps the
    # heap walker captured)

Steps come from sys.monitoring's LINE events of code compiled from the program's file;
any other code (the standard library, this package) gets DISABLE, so it runs untraced
after its first line. A step reads the frames with sys._getframe and f_locals (a view of
the frame's own slots on 3.13+: no dict is made, no code of the program runs), and the
capture is the host's heap walker's where it has one and can decode every object (it
reads memory and runs none of the program's code), the probe's otherwise (no repr, no
__eq__, no __getattr__ of the program's). While a step is recorded the program's own
tracer and profiler are set aside and the cyclic collector is off, so nothing of the
program runs inside the recording.

The host sees each step as it is made (on_step), so a program stopped by the time limit
keeps the steps it had. After ``step_cap`` steps recording ends ("stopped recording after
N steps") and the program runs on to its end untraced.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import gc
import io
import sys
import time
import tracemalloc

from . import probe, runner, state

# Frames tracemalloc keeps per allocation while recording. A step reads only the current and
# peak totals, which do not depend on it; each frame more makes every allocation of the
# recording slower (measured: a step's capture of 1,000 objects took 2.3 times as long with
# the 16 frames memory-by-line keeps), and tracemalloc keeps every distinct traceback until
# it stops, so more frames also make each step slower than the one before.
TRACED_FRAMES = 1

# The tool id recording claims (a program that claims it too gets ValueError from
# sys.monitoring.use_tool_id, as with any tool already in use).
TOOL = 2
TOOL_NAME = "bytewise-stepping"
ROOT_SEPARATOR = "/"  # "<frame index>/<name>": a name never holds a slash


class _Recorder:
    """run_program's ``trace`` hook: start() just before the program's code, stop() after."""

    def __init__(self, options, step_cap, on_step, filename, walk=None):
        self.options = options
        self.step_cap = step_cap
        self.on_step = on_step
        self.filename = filename
        self.walk = walk
        self.walked = 0
        self.policy = probe.make_policy(
            options["follow_types"], options["follow_modules"], options["follow_globals"], options["follow_code"])
        self.steps = 0
        self.truncated = False
        self.monitoring = sys.monitoring
        self.namespace = None
        self.own_tracing = False

    # -- run_program's hooks -------------------------------------------------------------

    def start(self):
        self.own_tracing = not tracemalloc.is_tracing()
        if self.own_tracing:
            tracemalloc.start(TRACED_FRAMES)
        tracemalloc.reset_peak()
        m = self.monitoring
        m.use_tool_id(TOOL, TOOL_NAME)
        m.register_callback(TOOL, m.events.LINE, self._line)
        m.set_events(TOOL, m.events.LINE)

    def stop(self):
        # run_program has turned every tool off already (state.quiet): this frees ours if
        # the program's end came first some other way.
        m = self.monitoring
        if m.get_tool(TOOL) == TOOL_NAME:
            m.set_events(TOOL, 0)
            m.register_callback(TOOL, m.events.LINE, None)
            m.free_tool_id(TOOL)

    # -- steps ---------------------------------------------------------------------------

    def _line(self, code, line):
        if code.co_filename != self.filename:
            return self.monitoring.DISABLE
        if self.steps >= self.step_cap:
            self.truncated = True
            self.monitoring.set_events(TOOL, 0)
            return None
        # The program's frames, up to the runner's: a call from the standard library back
        # into the program (a sort key, a json default) keeps the frames around it.
        frames = []
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == self.filename:
                frames.append(frame)
            elif type(filename) is str and filename.startswith(runner._OWN_FILES):
                break
            frame = frame.f_back
        frames.reverse()
        self.record(line, frames)
        return None

    def record(self, line, frames):
        """One step: ``frames`` outermost first (the module's frame, then the calls), or
        None for the final step (the module's variables only)."""
        current, peak = tracemalloc.get_traced_memory() if tracemalloc.is_tracing() else (0, 0)
        _flush_streams()
        tracer, profiler, collecting = sys.gettrace(), sys.getprofile(), gc.isenabled()
        sys.settrace(None)
        sys.setprofile(None)
        gc.disable()
        try:
            described, roots = [], {}
            if frames is None:
                described.append(self._frame("<module>", None, probe.user_names(self.namespace), 0, roots))
            else:
                for index, frame in enumerate(frames):
                    f_code = frame.f_code
                    if index == 0:
                        variables = probe.user_names(frame.f_globals)
                    else:
                        variables = dict(frame.f_locals.items())
                    described.append(self._frame(f_code.co_qualname, frame.f_lineno, variables, index, roots))
            snapshot = self._capture(roots)
            self.steps += 1
            self.on_step({"line": line, "frames": described, "traced_current": current, "traced_peak": peak},
                         snapshot)
            del snapshot, roots
        finally:
            if collecting:
                gc.enable()
            sys.setprofile(profiler)
            sys.settrace(tracer)
            if tracemalloc.is_tracing():
                tracemalloc.reset_peak()

    def _capture(self, roots):
        """The step's snapshot, or None when the host's walker captured it."""
        if self.walk is not None:
            named = [(name, id(value)) for name, value in roots.items()]
            # What this recording holds of the roots while the walker counts references:
            # the mapping's names and values, and the names again in ``named``; each
            # frame's variables are the frame's own.
            held = [id(name) for name in roots] * 2 + [id(value) for value in roots.values()]
            if self.walk(named, self.policy.bits(), self.options["object_cap"], self.options["edge_cap"], [], held):
                self.walked += 1
                return None
        return probe.capture(roots, self.options["object_cap"], self.policy, self.options["edge_cap"],
                             pruned=True, own_limit=(
                                 "Each step is captured by the Python probe, which stops at {:,} "
                                 "objects, before the object cap of {:,}."))

    @staticmethod
    def _frame(function, line, variables, index, roots):
        names = []
        for name, value in variables.items():
            if type(name) is not str:
                continue
            names.append(name)
            roots["%d%s%s" % (index, ROOT_SEPARATOR, name)] = value
        return {"function": function, "line": line, "variables": names}


def _flush_streams():
    """Hands what the program printed so far to the host, so that the step counts it
    (a partial line too). Only the interpreter's own streams are flushed: a stream the
    program put in their place is its code, which recording never runs."""
    for stream in (sys.stdout, sys.stderr):
        if type(stream) is io.TextIOWrapper:
            try:
                stream.flush()
            except (OSError, ValueError):
                pass  # closed by the program: nothing more can come from it


def record(source, options, step_cap, on_step, walk=None, *, _restore_own=state.restore_own,
           _held=runner._HELD):
    """Runs ``source`` as __main__ under the recorder; see the module's docstring.
    ``options``: the probe's options (runner.PROBE_OPTIONS; roots is not used)."""
    if type(step_cap) is not int or step_cap < 1:
        raise ValueError("step_cap must be a positive int, got %r" % (step_cap,))
    recorder = _Recorder(options, step_cap, on_step, runner.FILENAME, walk)
    started = time.perf_counter()
    with state.program_running(runner._baseline):
        namespace, error = runner.run_program(source, runner.FILENAME, recorder)
    ran = time.perf_counter()
    if _held:
        _restore_own(_held[0])
    state.quiet(stop_tracemalloc=False)
    recorder.namespace = namespace
    recorder.record(None, None)
    if recorder.own_tracing and tracemalloc.is_tracing():
        tracemalloc.stop()
    unrestored = state.restore(_held[0]) if _held else []
    return {
        "error": error,
        "steps": recorder.steps,
        "truncated": recorder.truncated,
        "walked": recorder.walked,
        "run_ms": (ran - started) * 1000,
        "unrestored": unrestored,
    }
