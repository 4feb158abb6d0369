resource "aws_kms_key" "leaf" {
  is_enabled = false # expect: KMS003
}
