# A plan beside the configuration it was made from: each problem is reported once, at its `.tf`
# place, with the plan's place related.
resource "aws_kms_key" "k" {
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "p" {
  key_id = aws_kms_key.k.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Other"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" } # expect: KMS006 "statement `Other` of the key policy of `aws_kms_key_policy.p`"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_grant" "g" { # expect: KMS016 "`aws_kms_grant.g` has no `constraints`"
  name              = "g"
  key_id            = aws_kms_key.k.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app"
  operations        = ["Decrypt"]
}
