# an exception with its traceback
try:
    {}['missing']
except KeyError as e:
    err = e
