resource "aws_kms_key" "app" {
  description         = "application data"
  enable_key_rotation = false
}
