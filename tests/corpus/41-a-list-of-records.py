# a list of records
rows = [{'id': i, 'name': 'user%d' % i, 'tags': ['a', 'b']} for i in range(50)]
