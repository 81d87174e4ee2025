# closures sharing one cell
def pair():
    shared = {'n': 0}
    def get():
        return shared
    def put(v):
        shared['n'] = v
    return get, put
get, put = pair()
