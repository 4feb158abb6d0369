resource "aws_kms_key" "inner" { # expect: KMS012
  enable_key_rotation = true
}
resource "aws_s3_bucket" "b" { bucket = "x" }
output "name" { value = aws_s3_bucket.b.id }
