# a closure with nonlocal state
def counter():
    count = [0]
    def bump():
        count[0] += 1
        return count[0]
    return bump
c = counter()
c()
