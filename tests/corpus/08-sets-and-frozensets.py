# sets and frozensets
s = {1, 2, 3, "a", (1, 2)}
f = frozenset(s)
