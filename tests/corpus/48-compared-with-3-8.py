# predictions for 64-bit CPython 3.8
# options: {"comparePlatform": "cpython-3.8-64"}
s = "hello"
xs = [1, 2, 3]
xs.append(4)
d = {"a": 1, "b": 2}
class P:
    def __init__(self):
        self.x = 1
p = P()
