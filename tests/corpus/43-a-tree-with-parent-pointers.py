# a tree with parent pointers
class T:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
root = T()
for _ in range(5):
    child = T(root)
    root.children.append(child)
    child.children.append(T(child))
