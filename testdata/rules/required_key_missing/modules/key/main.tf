resource "aws_kms_key" "this" {
  enable_key_rotation = true
}

output "key_id" {
  value = aws_kms_key.this.key_id
}
