# a generator mid-iteration
def numbers(n):
    data = [float(i) for i in range(n)]
    for x in data:
        yield x
g = numbers(20)
next(g); next(g)
