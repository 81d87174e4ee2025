# functools.partial
import functools
p = functools.partial(max, 1.5, key=abs)
