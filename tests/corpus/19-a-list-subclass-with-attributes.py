# a list subclass with attributes
class Tagged(list):
    pass
t = Tagged([1.5, 2.5])
t.tag = 'x'
