# objects the probe answers for, inside others: a dict keyed beyond Latin-1, instances with their own __sizeof__
import collections
class Sized:
    def __sizeof__(self):
        return 1
greek = {"π": 3.14, "τ": 6.28}
first = Sized()
queue = collections.deque([Sized(), greek, [Sized()]])
