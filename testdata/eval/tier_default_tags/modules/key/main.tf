resource "aws_kms_key" "this" {
  enable_key_rotation = true
}
