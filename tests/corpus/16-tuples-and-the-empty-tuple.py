# tuples and the empty tuple
t = ()
u = (1,)
v = (t, u, (t, u))
