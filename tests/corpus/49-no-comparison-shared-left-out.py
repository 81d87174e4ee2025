# nothing compared, the interpreter's shared objects left out
# options: {"comparePlatform": null, "includeInterpreterShared": false}
small = [1, 2, 3, None, True]
big = [10**20, 2.5, "built" + str(len(small))]
