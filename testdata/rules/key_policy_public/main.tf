# Everyone, restricted to one account by kms:CallerAccount: clean.
resource "aws_kms_key" "caller_account" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:CallerAccount" = "111122223333" }
      }
    }]
  })
}

# kms:ViaService alone does not restrict the caller.
resource "aws_kms_key" "via_service_only" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ViaS3"
      Effect    = "Allow"
      Principal = "*" # expect: KMS001 "`kms:ViaService` names the service the request comes through, not the caller"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" }
      }
    }]
  })
}

# kms:ViaService together with kms:CallerAccount: clean.
resource "aws_kms_key" "via_service_and_account" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        StringEquals = {
          "kms:ViaService"    = "s3.us-east-1.amazonaws.com"
          "kms:CallerAccount" = "111122223333"
        }
      }
    }]
  })
}

# A negated operator does not restrict.
resource "aws_kms_key" "negated" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # expect: KMS001 "`StringNotEquals` on `aws:PrincipalAccount`"
      Action    = "kms:*"
      Resource  = "*"
      Condition = {
        StringNotEquals = { "aws:PrincipalAccount" = "111122223333" }
      }
    }]
  })
}

# A wildcard in the value does not restrict.
resource "aws_kms_key" "wildcard_arn" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = ["*"] } # expect: KMS001 "is not a fixed value"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        StringLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/x" }
      }
    }]
  })
}

# ForAllValues is true when the key is absent.
resource "aws_kms_key" "for_all_values" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # expect: KMS001 "ForAllValues:StringEquals"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        "ForAllValues:StringEquals" = { "aws:PrincipalOrgID" = "o-7k2m9x4p1q" }
      }
    }]
  })
}

# IfExists is true when the key is absent.
resource "aws_kms_key" "if_exists" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # expect: KMS001 "StringEqualsIfExists"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        StringEqualsIfExists = { "kms:CallerAccount" = "111122223333" }
      }
    }]
  })
}

# An organization pinned by a fixed value: clean.
resource "aws_kms_key" "org" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:PrincipalOrgID" = "o-7k2m9x4p1q" }
      }
    }]
  })
}

# Deny statements never fire.
resource "aws_kms_key" "deny" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

# NotPrincipal with Allow allows everyone else.
resource "aws_kms_key" "not_principal" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect       = "Allow"
      NotPrincipal = { AWS = "arn:aws:iam::111122223333:role/blocked" } # expect: KMS001 "everyone except"
      Action       = "kms:Decrypt"
      Resource     = "*"
    }]
  })
}

# AWS's default key policy: the account root and kms:*, clean.
resource "aws_kms_key" "default_policy" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "key-default-1"
    Statement = [{
      Sid       = "Enable IAM User Permissions"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# A wildcard inside a list of principals.
resource "aws_kms_key" "list" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect = "Allow"
      Principal = {
        AWS = [
          "arn:aws:iam::111122223333:role/app",
          "*", # expect: KMS001
        ]
      }
      Action   = "kms:Decrypt"
      Resource = "*"
    }]
  })
}

# Source IPs: everything does not restrict, a private range does.
resource "aws_kms_key" "source_ip" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # expect: KMS001 "0.0.0.0/0"
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { IpAddress = { "aws:SourceIp" = ["10.0.0.0/8", "0.0.0.0/0"] } }
      },
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { IpAddress = { "aws:SourceIp" = ["10.0.0.0/8"] } }
      },
    ]
  })
}

# A policy variable is not a fixed value.
resource "aws_kms_key" "policy_variable" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # expect: KMS001 "is not a fixed value"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = { StringEquals = { "aws:username" = "$${aws:username}" } }
    }]
  })
}

# Unknown parts: never a finding.
resource "aws_kms_key" "unknown_policy" {
  enable_key_rotation = true
  policy              = var.policy
}

resource "aws_kms_key" "unknown_condition" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = var.conditions
    }]
  })
}

# A policy in a heredoc: the finding is at the principal inside the JSON.
resource "aws_kms_key" "heredoc" {
  enable_key_rotation = true
  # expect(+8): KMS001
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Public",
          "Effect": "Allow",
          "Principal": {"AWS": "*"},
          "Action": "kms:Decrypt",
          "Resource": "*"
        }
      ]
    }
  EOT
}

# A policy in a quoted string.
resource "aws_kms_key" "quoted" {
  enable_key_rotation = true
  policy              = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}" # expect: KMS001
}

# The policy of an aws_kms_key_policy resource.
resource "aws_kms_key" "separate" {
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "separate" {
  key_id = aws_kms_key.separate.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # expect: KMS001 "`aws_kms_key_policy.separate`"
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# A public statement built with aws_iam_policy_document.
data "aws_iam_policy_document" "public" {
  statement {
    sid       = "Everyone"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"] # expect: KMS001 "`Everyone` of the key policy of `aws_kms_key.from_document`"
    }
  }
}

resource "aws_kms_key" "from_document" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.public.json
}

# The same document restricted by a condition block.
data "aws_iam_policy_document" "restricted" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = ["111122223333"]
    }
  }
}

resource "aws_kms_key" "restricted_document" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.restricted.json
}

# Source and override documents merge by sid: the override removes the public statement.
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Shared"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "hardened" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.owner_only.json]
}

data "aws_iam_policy_document" "owner_only" {
  statement {
    sid       = "Shared"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_kms_key" "merged" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.hardened.json
}
