# slots next to a __dict__
class M:
    __slots__ = ('a', '__dict__')
m = M()
m.a = 'slot'
m.b = 'dict'
