# property and staticmethod objects
p = property(lambda self: 1)
s = staticmethod(len)
