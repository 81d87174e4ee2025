# a dict nested 20,000 deep
d = {}
for i in range(20_000):
    d = {'next': d}
