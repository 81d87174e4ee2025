# types and modules followed, short top lists, no retained sizes
# options: {"followTypes": true, "followModules": true, "topN": 5, "retained": false}
import collections
class Box:
    pass
b = Box()
b.items = collections.OrderedDict(a=[1.5])
m = collections
