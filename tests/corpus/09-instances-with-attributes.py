# instances with attributes
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
p = Point(1.5, [1, 2])
q = Point(p, 'label')
