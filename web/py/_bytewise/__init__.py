"""Bytewise's own Python side, private to it (user programs import the ``bytewise`` module).

    format       the snapshot format's constants, the same names and values as the core's
    probe        walks the objects reachable from the roots and writes a snapshot
    edges        which references an object owns (the walk's rules)
    shapes       per-object facts for the layout model
    runner       runs a user's program as __main__, then captures it
    tracing      tracemalloc per line of the user's program, and bytewise.region()
    experiments  footprints of ways to hold N values

Importing the package imports none of them; start reading at runner.run_and_capture.
"""
