"""Helpers a Bytewise program can import.

    import bytewise

    with bytewise.region("build the list"):
        numbers = [float(i) for i in range(100_000)]

After the run, the report shows what the block allocated (by line), what it freed, and
its peak, measured with tracemalloc.
"""

import sys

from _bytewise import tracing as _tracing

__all__ = ["region"]


def region(label):
    """Measures the memory a ``with`` block allocates; see the module docstring."""
    caller = sys._getframe(1)
    return _tracing.Region(label, caller.f_code.co_filename, caller.f_lineno)
