# iterators part-way through
xs = [1.5, 2.5, 3.5]
it = iter(xs)
next(it)
rit = reversed(xs)
