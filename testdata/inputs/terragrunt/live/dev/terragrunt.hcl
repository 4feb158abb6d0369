include "root" {
  path = find_in_parent_folders("terragrunt.hcl")
}

include "common" {
  path = "${dirname(find_in_parent_folders())}/_common/kms.hcl"
}

terraform {
  source = "${dirname(find_in_parent_folders())}/modules//kms"
}

inputs = {
  rotate = true
}
