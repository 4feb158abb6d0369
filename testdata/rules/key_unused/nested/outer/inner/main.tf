resource "aws_kms_key" "this" { # expect: KMS021 "`module.outer.module.inner.aws_kms_key.this` is not used"
  enable_key_rotation = true
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
