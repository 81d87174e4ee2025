# memoryview, range and slice
data = bytearray(b'abcdef')
mv = memoryview(data)[1:4]
r = range(0, 100, 3)
sl = slice(1, 10, 2)
