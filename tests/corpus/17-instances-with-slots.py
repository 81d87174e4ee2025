# instances with __slots__
class S:
    __slots__ = ('a', 'b')
    def __init__(self):
        self.a = [1.5]
items = [S() for _ in range(3)]
