# roots named by expressions, one of which fails
# options: {"roots": ["c.cache", "c", "missing_name"]}
class C:
    def __init__(self):
        self.cache = [1.5] * 10
c = C()
