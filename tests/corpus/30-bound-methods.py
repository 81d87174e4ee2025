# bound methods
class K:
    def __init__(self):
        self.v = [1.5]
    def get(self):
        return self.v
k = K()
m = k.get
append = [2.5].append
