resource "aws_kms_key" "no_policy" { # expect: KMS012 "has no key policy"
  enable_key_rotation = true
}

resource "aws_kms_key" "null_policy" { # expect: KMS012
  enable_key_rotation = true
  policy              = null
}

resource "aws_kms_key" "inline" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "unknown" {
  enable_key_rotation = true
  policy              = var.policy
}

# The policy is set by an aws_kms_key_policy resource in another file.
resource "aws_kms_key" "separate" {
  enable_key_rotation = true
}

resource "aws_kms_replica_key" "replica" { # expect: KMS012
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
}
