# Terraform rejects an attribute set twice in one block: still an input error.
resource "aws_kms_key" "twice" {
  enable_key_rotation = false
  enable_key_rotation = true # expect: input-error "redefined attribute"
}
