# dict views
d = {'a': [1.5], 'b': [2.5]}
k = d.keys()
v = d.values()
i = d.items()
