resource "aws_kms_key" "crlf" {
  description         = "CRLF line endings"
  enable_key_rotation = false # expect: KMS002
}
