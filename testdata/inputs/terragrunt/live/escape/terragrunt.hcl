terraform {
  source = "../../../../../../outside//kms" # expect: input-error "outside the scanned tree"
}

inputs = {
  rotate = false
}
