# OpenTofu reads main.tofu instead of this file: its key is not analysed.
resource "aws_kms_key" "shadowed" {
  enable_key_rotation = false
}
