# a list comprehension of lists
nested = [[i] * 3 for i in range(10)]
