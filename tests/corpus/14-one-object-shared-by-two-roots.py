# one object shared by two roots
shared = [1.5]
x = {'a': shared}
y = (shared,)
