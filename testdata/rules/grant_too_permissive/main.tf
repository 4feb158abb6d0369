resource "aws_kms_key" "app" {
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

resource "aws_kms_grant" "redelegate" {
  name              = "redelegate"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app"
  operations        = ["Encrypt", "Decrypt", "CreateGrant"] # expect: KMS016 "includes CreateGrant"

  constraints {
    encryption_context_equals = { Department = "Finance" }
  }
}

resource "aws_kms_grant" "unconstrained" { # expect: KMS016 "has no `constraints`"
  name              = "unconstrained"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app"
  operations        = ["Decrypt"]
}

resource "aws_kms_grant" "foreign" {
  name              = "foreign"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::444455556666:role/partner" # expect: KMS016 "in account 444455556666"
  operations        = ["Decrypt"]

  constraints {
    encryption_context_subset = { Project = "shared" }
  }
}

# Same account, constrained, no re-delegation: clean.
resource "aws_kms_grant" "good" {
  name              = "good"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app"
  operations        = ["Encrypt", "Decrypt", "GenerateDataKey"]

  constraints {
    encryption_context_equals = { Department = "Finance" }
  }
}

# Signing grants take no encryption context: no constraints needed.
resource "aws_kms_grant" "signing" {
  name              = "signing"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/signer"
  operations        = ["Sign", "Verify", "GetPublicKey"]
}

# Unknown grantee and operations: no finding.
resource "aws_kms_grant" "unknown" {
  name              = "unknown"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = var.grantee
  operations        = var.operations
}

# The owner comes from the policy an `aws_kms_key_policy` sets: the grantee's account is another.
resource "aws_kms_key" "separate_policy" {
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "separate_policy" {
  key_id = aws_kms_key.separate_policy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Owner"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_grant" "to_other_account" {
  name              = "to-other-account"
  key_id            = aws_kms_key.separate_policy.key_id
  grantee_principal = "arn:aws:iam::999988887777:role/x" # expect: KMS016 "in account 999988887777, which is neither the owner nor trusted"
  operations        = ["Decrypt"]

  constraints {
    encryption_context_equals = { Department = "Finance" }
  }
}

# The same account as that policy's owner: clean.
resource "aws_kms_grant" "to_owner_account" {
  name              = "to-owner-account"
  key_id            = aws_kms_key.separate_policy.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/x"
  operations        = ["Decrypt"]

  constraints {
    encryption_context_equals = { Department = "Finance" }
  }
}
