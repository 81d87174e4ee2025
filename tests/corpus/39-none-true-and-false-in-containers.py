# None, True and False in containers
flags = [None, True, False, None, True]
mapping = {None: True, False: None}
