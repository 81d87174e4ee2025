# a class with its own __sizeof__
class Sized:
    def __init__(self):
        self.data = [0.5] * 8
    def __sizeof__(self):
        return object.__sizeof__(self) + 1000
s = Sized()
