resource "aws_kms_key" "vendored" {
  enable_key_rotation     = false
  deletion_window_in_days = 7
}
