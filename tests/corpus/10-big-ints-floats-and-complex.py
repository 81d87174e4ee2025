# big ints, floats and complex
t = (10**100, 1.5, 2**30, -7, 3j)
big = 2**1000
