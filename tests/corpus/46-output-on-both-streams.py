# output on stdout and stderr
import sys
words = ["alpha", "beta"]
print("words:", len(words))
print("a warning", file=sys.stderr)
print(sys.getsizeof(words))
