# interned keys and built strings
k1 = 'attribute_name'
k2 = ''.join(['attribute', '_name'])
d = {k1: 1, k2: 2, 'other': 3}
