# shared references to one string
s = "hello" * 3
a = [s, s, s]
b = {"k": s}
