# The values Terraform uses are these; the fixes go here, not to main.tf.
resource "aws_kms_key" "app" {
  enable_key_rotation     = false
  deletion_window_in_days = 7
}
