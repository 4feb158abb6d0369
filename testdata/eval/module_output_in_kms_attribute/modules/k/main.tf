resource "aws_kms_key" "this" { # expect: KMS012
  enable_key_rotation = true
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
