# Two units that include each other: one level of include is read, as Terragrunt reads it.
include {
  path = "../cycle_b/terragrunt.hcl"
}

terraform {
  source = "../../modules/kms"
}

inputs = {
  rotate = true
}
