# a long string and its slices
t = "x" * 1000
head = t[:10]
empty = ""
