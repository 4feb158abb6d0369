resource "aws_kms_key" "this" {
  enable_key_rotation = true
}

# Exposed, but the caller does not read `backup_key_arn`.
resource "aws_kms_key" "backup" { # expect: KMS021 "`module.kms.aws_kms_key.backup` is not used"
  enable_key_rotation = true
}

output "key_arn" {
  value = aws_kms_key.this.arn
}

output "backup_key_arn" {
  value = aws_kms_key.backup.arn
}
