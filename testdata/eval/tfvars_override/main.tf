resource "aws_kms_key" "app" {
  enable_key_rotation = var.rotate
}

resource "aws_kms_key" "audit" {
  enable_key_rotation     = true
  rotation_period_in_days = var.audit_period
}
