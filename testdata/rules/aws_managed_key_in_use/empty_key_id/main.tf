# The provider treats an empty key id as not set: S3 then falls back to its AWS-managed key.
resource "aws_s3_bucket_server_side_encryption_configuration" "empty" {
  bucket = "example"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms" # expect: KMS011
      kms_master_key_id = ""
    }
  }
}

# An empty key id turns nothing on where the key itself is the switch.
resource "aws_sqs_queue" "empty" {
  kms_master_key_id = ""
}
