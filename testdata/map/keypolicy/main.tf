variable "account" {
  type = string
}

# The key's own policy is replaced by an aws_kms_key_policy: the map shows the latter.
resource "aws_kms_key" "primary" {
  enable_key_rotation = true
  multi_region        = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key_policy" "primary" {
  key_id = aws_kms_key.primary.id
  policy = jsonencode({
    Statement = [
      {
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Trusted"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:CallerAccount" = "222233334444" } }
      },
      {
        Sid       = "OrgPath"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = "o-a1b2c3/r-ab12/ou-ab12-11111111/*" } }
      },
      {
        Sid       = "SomeAccount"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "kms:CallerAccount" = var.account } }
      },
      {
        Sid       = "Everything"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::555566667777:role/ops" }
        NotAction = ["kms:ScheduleKeyDeletion"]
        Resource  = "*"
      },
    ]
  })
}

# A replica: spec, usage and rotation are the primary's.
resource "aws_kms_replica_key" "copy" {
  primary_key_arn = aws_kms_key.primary.arn
}

# Imported key material never rotates.
resource "aws_kms_external_key" "imported" {
  enabled = false
}

resource "aws_kms_alias" "imported" {
  name_prefix   = "alias/imported-"
  target_key_id = aws_kms_external_key.imported.id
}
