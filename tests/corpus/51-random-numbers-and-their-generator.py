# random numbers and their generator: instances of a class over a C type (random.Random)
from random import Random, random
gen = Random(42)
draws = [gen.random() for _ in range(5)]
shared = random
