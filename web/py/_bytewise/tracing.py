"""tracemalloc for a user's run: which lines of *their* program allocated what.

A Session wraps one run: it starts tracemalloc, and when the program ends it groups the
memory still allocated by the line of the user's own file that allocated it (the most
recent frame in that file, so a list built inside ``json.loads`` called from line 7 is
charged to line 7). Regions (``with bytewise.region("name"):`` in user code) record what
a block of code allocated and freed, and its peak.

All figures are tracemalloc's: bytes requested from Python's allocators, not the
allocator's own rounding (that is the "allocated" size the layout model gives).
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
import linecache
import os
import tracemalloc

TOP_LINES = 10
FRAMES = 16

_active = None  # the Session of the current run, if tracing was asked for
regions = []    # region results of the current run, in the order they ended


# This module and the public bytewise module (one folder up): their frames are a region's
# own bookkeeping.
_OWN_FILES = (os.path.abspath(__file__),
              os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bytewise.py"))


def _user_line(traceback, filename):
    """The most recent frame of the traceback that lies in the user's file, or None for
    memory the measuring itself allocated (a region's own bookkeeping)."""
    line = None
    for frame in reversed(traceback):  # oldest first, so walk back from the newest
        if frame.filename.endswith(_OWN_FILES):
            return None
        # Line 0: the interpreter's own bookkeeping for a code object about to start (its
        # instrumentation data, after a trace function was set), not a line of the program.
        if line is None and frame.filename == filename and frame.lineno and frame.lineno > 0:
            line = frame.lineno
    return line


def by_user_line(snapshot, filename):
    """{line: [bytes, blocks]} of the traces in a tracemalloc snapshot."""
    out = {}
    for trace in snapshot.traces:
        line = _user_line(trace.traceback, filename)
        if line is None:
            continue
        entry = out.setdefault(line, [0, 0])
        entry[0] += trace.size
        entry[1] += 1
    return out


def _line_text(filename, line):
    return linecache.getline(filename, line).strip()


def top_lines(per_line, filename, limit=TOP_LINES):
    ranked = sorted(per_line.items(), key=lambda item: (-abs(item[1][0]), item[0]))[:limit]
    return [{"line": line, "bytes": size, "blocks": blocks, "text": _line_text(filename, line)}
            for line, (size, blocks) in ranked]


class Session:
    """One run. With ``enabled`` the whole run is traced; without, only the regions the
    program marks are (each traces itself)."""

    def __init__(self, filename, enabled=True):
        self.filename = filename
        self.enabled = enabled
        self.peak = 0
        self.current = 0
        self.snapshot = None
        self.started_here = False

    def start(self):
        global _active
        del regions[:]
        if not self.enabled:
            return
        self.started_here = not tracemalloc.is_tracing()
        if self.started_here:
            tracemalloc.start(FRAMES)
        tracemalloc.clear_traces()
        tracemalloc.reset_peak()
        _active = self

    def note_peak(self):
        """Keeps the run's peak across regions (a region resets tracemalloc's)."""
        self.peak = max(self.peak, tracemalloc.get_traced_memory()[1])

    def stop(self):
        global _active
        if not self.enabled:
            return
        self.current, peak = tracemalloc.get_traced_memory()
        self.peak = max(self.peak, peak)
        self.snapshot = tracemalloc.take_snapshot()
        if self.started_here:
            tracemalloc.stop()
        _active = None

    def report(self):
        """None when nothing was traced; current and peak are None when only regions were."""
        if not self.enabled:
            if not regions:
                return None
            return {"current": None, "peak": None, "top_lines": [], "regions": list(regions)}
        per_line = by_user_line(self.snapshot, self.filename) if self.snapshot else {}
        return {
            "current": self.current,
            "peak": self.peak,
            "top_lines": top_lines(per_line, self.filename),
            "regions": list(regions),
        }


class Region:
    """Context manager behind bytewise.region(): measures one block of the user's code."""

    def __init__(self, label, filename, line):
        self.label = str(label)
        self.filename = filename
        self.line = line

    def __enter__(self):
        self.own_tracing = not tracemalloc.is_tracing()
        if self.own_tracing:
            tracemalloc.start(FRAMES)
        elif _active is not None:
            _active.note_peak()
        self.before = tracemalloc.take_snapshot()
        self.current_before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc):
        current, peak = tracemalloc.get_traced_memory()
        after = tracemalloc.take_snapshot()
        before_lines = by_user_line(self.before, self.filename)
        after_lines = by_user_line(after, self.filename)
        diff = {}
        for line in set(before_lines) | set(after_lines):
            b = before_lines.get(line, [0, 0])
            a = after_lines.get(line, [0, 0])
            if a[0] != b[0]:
                diff[line] = [a[0] - b[0], a[1] - b[1]]
        regions.append({
            "label": self.label,
            "line": self.line,
            "before": self.current_before,
            "after": current,
            "change": current - self.current_before,
            "peak": max(peak - self.current_before, 0),
            "top_lines": top_lines(diff, self.filename),
        })
        if self.own_tracing:
            tracemalloc.stop()
        elif _active is not None:
            _active.peak = max(_active.peak, peak)
        self.before = None
        return False
