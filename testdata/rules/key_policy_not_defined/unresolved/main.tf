# An aws_kms_key_policy whose key the scan cannot resolve might target this key: no finding.
resource "aws_kms_key" "maybe_covered" {
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "by_variable" {
  key_id = var.key_id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
