# strings of each internal kind
ascii = 'hello'
latin1 = 'caf\xe9'
ucs2 = '\u65e5\u672c'
ucs4 = '\U0001f600 ok'
all_kinds = [ascii, latin1, ucs2, ucs4]
