# a list that contains itself
a = []
a.append(a)
