# Included by every unit: its inputs are merged under each unit's own.
locals {
  rotation = false # expect: KMS002 "`module.terragrunt.aws_kms_key.this`"
}

inputs = {
  rotate = local.rotation
  window = 30
}
