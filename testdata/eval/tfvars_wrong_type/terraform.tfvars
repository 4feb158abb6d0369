rotate = "sometimes" # expect: input-error "invalid value for variable `rotate`: it does not convert to its type `bool`"
window = "7"
admins = "alice" # expect: input-error "its type `list(string)`"
