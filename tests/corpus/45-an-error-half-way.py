# a program that raises half-way keeps the objects it made
items = [1.5, 2.5]
names = {"a": items}
items[5]
