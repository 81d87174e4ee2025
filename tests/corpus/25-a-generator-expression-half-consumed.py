# a generator expression half consumed
ge = (i * 2.5 for i in range(100))
first = [next(ge) for _ in range(10)]
