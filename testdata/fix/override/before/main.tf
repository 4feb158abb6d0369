resource "aws_kms_key" "app" {
  description             = "rotation and window set in override.tf"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

output "app_key_arn" {
  value = aws_kms_key.app.arn
}
