# bytes, bytearray and array
import array
b = b'abc'
ba = bytearray(100)
arr = array.array('i', range(100))
ds = array.array('d', [1.5] * 10)
