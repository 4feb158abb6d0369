# The owner (the account granted kms:*) and another account's root.
resource "aws_kms_key" "partner" {
  enable_key_rotation = true
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
        Sid       = "Partner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" } # expect: KMS006 "the root of account 444455556666"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
      {
        Sid       = "PartnerRole"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::111122223333:role/app", "777788889999"] } # expect: KMS006 "777788889999"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

# The deploying account from data.aws_caller_identity is the owner.
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "caller_identity" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "App"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/app" }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

# Any account's root.
resource "aws_kms_key" "any_account" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::*:root" } # expect: KMS006 "which is every account"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

# Conditions naming other accounts and organizations.
resource "aws_kms_key" "conditions" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:CallerAccount"  = ["111122223333", "444455556666"] # expect: KMS006 "account 444455556666"
            "aws:PrincipalOrgID" = "o-7k2m9x4p1q"                   # expect: KMS006 "organization o-7k2m9x4p1q"
          }
        }
      },
    ]
  })
}

# No owner known (nothing configured, no administration statement): no guess.
resource "aws_kms_key" "owner_unknown" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/reader" }
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}

# The owner is inferred from the policy an `aws_kms_key_policy` sets, as from a key's `policy`.
resource "aws_kms_key" "separate_policy" {
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "separate_policy" {
  key_id = aws_kms_key.separate_policy.id
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
        Principal = { AWS = "arn:aws:iam::444455556666:root" } # expect: KMS006 "statement `Other` of the key policy of `aws_kms_key_policy.separate_policy`"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}
