# objects that point at each other
class Node:
    def __init__(self):
        self.peer = None
a = Node()
b = Node()
a.peer = b
b.peer = a
