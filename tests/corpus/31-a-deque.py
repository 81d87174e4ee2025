# a deque
import collections
q = collections.deque([1.5, 2.5], maxlen=10)
