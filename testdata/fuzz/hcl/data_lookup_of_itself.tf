data "aws_kms_alias" "s3" {
  name = data.aws_kms_alias.s3.name
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = "x"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = data.aws_kms_alias.s3.arn
    }
  }
}
