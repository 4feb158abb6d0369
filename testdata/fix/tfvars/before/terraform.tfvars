rotate = false # to be decided
window = 7
