resource "aws_kms_key" "disabled" {
  enable_key_rotation = true
  is_enabled          = false
}
