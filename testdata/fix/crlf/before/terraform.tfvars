window = 7
