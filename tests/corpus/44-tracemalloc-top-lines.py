# tracemalloc's top lines and a region
# options: {"tracemalloc": true}
import bytewise
floats = [i * 0.5 for i in range(2000)]
table = {i: str(i) for i in range(300)}
with bytewise.region("squares"):
    squares = [i * i for i in range(1000)]
