# functions, classes and builtins
def f(a, b=[1, 2]):
    return a
class C:
    pass
items = [f, C, len]
