rotate = true # to be decided
window = 30
