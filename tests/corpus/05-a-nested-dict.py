# a nested dict
d = {"one": 1, "two": [1, 2], "three": {"x": 1.5, "y": None}}
