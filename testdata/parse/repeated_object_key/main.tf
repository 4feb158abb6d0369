# An object that repeats a key: Terraform keeps the last value.
locals {
  rotation = {
    enabled = true
    enabled = false # expect: KMS002
  }
  reversed = {
    "enabled" = false
    "enabled" = true
  }
}

resource "aws_kms_key" "last_is_false" {
  enable_key_rotation = local.rotation.enabled
}

# The earlier `false` is overridden: no finding.
resource "aws_kms_key" "last_is_true" {
  enable_key_rotation = local.reversed.enabled
}
