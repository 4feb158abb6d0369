terraform {
  source = "git::https://example.com/modules.git//kms?ref=v1" # expect: input-error "not a local path"
}
