# An override file repeats an address on purpose: Terraform merges it into the block.
resource "aws_kms_key" "other" {
  enable_key_rotation = true
}
