resource "aws_iam_policy" "decrypt_all" {
  name = "decrypt-all"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DecryptEverything"
      Effect   = "Allow"
      Action   = ["kms:DescribeKey", "kms:Decrypt"] # expect: KMS015 "`DecryptEverything` of `aws_iam_policy.decrypt_all` allows kms:Decrypt"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "kms_star" {
  name = "kms-star"
  role = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:*" # expect: KMS015 "kms:Decrypt and kms:ReEncryptFrom"
      Resource = "*"
    }]
  })
}

resource "aws_iam_user_policy" "reencrypt" {
  name = "reencrypt"
  user = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:ReEncrypt*" # expect: KMS015 "kms:ReEncryptFrom"
      Resource = ["*"]
    }]
  })
}

# Scoped to one key: clean.
resource "aws_iam_group_policy" "scoped" {
  name  = "scoped"
  group = "readers"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }]
  })
}

# Encrypt only on all keys: not this rule's business.
resource "aws_iam_policy" "encrypt_only" {
  name = "encrypt-only"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["kms:Encrypt", "kms:GenerateDataKey"], Resource = "*" },
      { Effect = "Deny", Action = "kms:Decrypt", Resource = "*" },
    ]
  })
}

# Inline policies of a role.
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"

  inline_policy {
    name = "kms"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        NotAction = "s3:*" # expect: KMS015
        Resource  = "*"
      }]
    })
  }
}

# A policy document used by an IAM policy is judged; the same document used as a key policy is not.
data "aws_iam_policy_document" "shared" {
  statement {
    sid       = "Decrypt"
    actions   = ["kms:Decrypt"] # expect: KMS015 "`Decrypt` of `aws_iam_policy.from_document`"
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_iam_policy" "from_document" {
  name   = "from-document"
  policy = data.aws_iam_policy_document.shared.json
}

resource "aws_kms_key" "uses_document" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.shared.json
}

# Unknown policy: no finding.
resource "aws_iam_policy" "unknown" {
  name   = "unknown"
  policy = var.policy
}
