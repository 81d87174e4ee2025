"""Bytewise's own Python side, private to it (user programs import the ``bytewise`` module).

    format       the snapshot format's constants, the same names and values as the core's
    probe        walks the objects reachable from the roots and writes a snapshot
    edges        which references an object owns (the walk's rules)
    shapes       per-object facts for the layout model
    runner       runs a user's program as __main__, then captures it
    tracing      tracemalloc per line of the user's program, and bytewise.region()
    stepping     records a program line by line (sys.monitoring): frames, variables, a capture per step
    experiments  footprints of ways to hold N values
    safe         what the probe may ask of a class without running the program's code
    state        the interpreter's state before any program ran, and putting it back

Importing the package imports none of them; start reading at runner.run_and_capture.

Every module of the package looks builtins up in PRIVATE_BUILTINS, a copy of the builtins
taken when the package is first imported, before any program runs (each module binds it
as its own ``__builtins__``, which CPython gives every function defined there). A program
that rebinds ``builtins.id``, ``type`` or ``len`` changes its own names only: the probe
keeps measuring with CPython's.
"""

import builtins as _builtins

PRIVATE_BUILTINS = dict(_builtins.__dict__)
