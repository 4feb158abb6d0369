# The owner is known only as the deploying account: an account number written beside it is
# another account, reported with the way to say "we deploy there too".
data "aws_caller_identity" "current" {}

variable "partner_account" {
  type    = string
  default = "444455556666"
}

resource "aws_kms_key" "literal" {
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
        Sid       = "Partner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::777788889999:role/reader" } # expect: KMS006 "an account other than the deploying one"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
      {
        Sid       = "FromVariable"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.partner_account}:root" } # expect: KMS006 "if this code deploys into 444455556666, list it in `accounts`"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

# The deploying account in a condition, a literal account in another.
resource "aws_kms_key" "condition" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:*"
        Resource  = "*"
        Condition = { StringEquals = { "kms:CallerAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Sid       = "Other"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "kms:CallerAccount" = "210987654321" } } # expect: KMS006 "account 210987654321, an account other than the deploying one"
      },
    ]
  })
}

# Only the deploying account: nothing to report.
resource "aws_kms_key" "own" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# No owner at all (neither the caller identity nor an administering account): no guess.
resource "aws_kms_key" "no_owner" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::777788889999:role/reader" }
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}

# Through a module input.
module "shared" {
  source         = "./modules/shared"
  reader_account = "135792468013"
}
