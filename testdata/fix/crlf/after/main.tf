resource "aws_kms_key" "app" {
  description             = "application data"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}
