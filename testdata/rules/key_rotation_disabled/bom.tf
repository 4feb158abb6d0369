resource "aws_kms_key" "bom" { # expect: KMS002
  description = "starts with a UTF-8 byte order mark"
}
