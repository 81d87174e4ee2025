# a dict subclass with attributes
class Conf(dict):
    pass
c = Conf(a=1, b=[2])
c.source = 'file'
