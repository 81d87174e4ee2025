# lambdas with defaults
fs = [lambda x, k=[i] * 3: x + k[0] for i in range(4)]
