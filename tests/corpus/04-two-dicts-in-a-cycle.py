# two dicts in a cycle
a = {}
b = {"a": a}
a["b"] = b
