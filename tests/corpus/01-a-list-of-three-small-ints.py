# a list of three small ints
x = [1, 2, 3]
