# a list nested 100,000 deep
l = []
for i in range(100_000):
    l = [l]
