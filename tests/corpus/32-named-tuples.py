# named tuples
import collections
P = collections.namedtuple('P', 'x y')
pts = [P(1.5, 2.5), P(3.5, [4])]
