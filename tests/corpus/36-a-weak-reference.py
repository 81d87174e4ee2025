# a weak reference
import weakref
class T:
    pass
t = T()
r = weakref.ref(t)
