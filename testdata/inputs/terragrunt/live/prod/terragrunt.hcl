include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../modules//kms"
}

locals {
  days = 7 # expect: KMS014 "`module.terragrunt.aws_kms_key.this`"
}

inputs = {
  window = local.days
  alias  = dependency.vpc.outputs.alias
}
