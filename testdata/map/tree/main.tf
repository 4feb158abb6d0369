data "aws_caller_identity" "current" {}

variable "auditor" {
  type = string
}

# Policy through jsonencode: owner, a role with a condition, a partner account, a service,
# the organization, and a principal from a variable with no value (unknown).
resource "aws_kms_key" "app" {
  description             = "app data"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admin"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AppRole"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app.arn }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
      {
        Sid       = "Partner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
      {
        Sid       = "Logs"
        Effect    = "Allow"
        Principal = { Service = "logs.eu-west-1.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
      {
        Sid       = "Org"
        Effect    = "Allow"
        Principal = "*"
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
      },
      {
        Sid       = "Auditor"
        Effect    = "Allow"
        Principal = { AWS = var.auditor }
        Action    = ["kms:DescribeKey", "kms:Decrypt"]
        Resource  = "*"
      },
      {
        Sid       = "NoDelete"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = ["kms:ScheduleKeyDeletion", "kms:DisableKey"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_alias" "app" {
  name          = "alias/app"
  target_key_id = aws_kms_key.app.key_id
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

# Policy in a heredoc, open to everyone.
resource "aws_kms_key" "heredoc" {
  enable_key_rotation = false
  policy              = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Everyone",
          "Effect": "Allow",
          "Principal": "*",
          "Action": ["kms:Encrypt", "kms:Decrypt"],
          "Resource": "*"
        }
      ]
    }
  JSON
}

# Policy from an aws_iam_policy_document.
data "aws_iam_policy_document" "signing" {
  statement {
    sid       = "Signer"
    actions   = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/signer"]
    }
  }
}

resource "aws_kms_key" "signing" {
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
  policy                   = data.aws_iam_policy_document.signing.json
}

# One key per environment, and counted keys; no policy (the default key policy).
resource "aws_kms_key" "env" {
  for_each            = toset(["dev", "prod"])
  enable_key_rotation = true
  multi_region        = each.key == "prod"
}

resource "aws_kms_key" "counted" {
  count                   = 2
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_kms_grant" "worker" {
  name              = "worker"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = "arn:aws:iam::444455556666:role/worker"
  operations        = ["Decrypt", "GenerateDataKey"]
  constraints {
    encryption_context_equals = { team = "data" }
  }
}

resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "AppKey", Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.app.arn },
      { Sid = "AllKeys", Effect = "Allow", Action = ["kms:Encrypt", "kms:Decrypt"], Resource = "*" },
    ]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = "data"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.app.arn
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name              = "jobs"
  kms_master_key_id = "alias/app"
}

resource "aws_sqs_queue" "managed" {
  name              = "managed"
  kms_master_key_id = "alias/aws/sqs"
}

module "kms" {
  source = "./modules/kms"
  name   = "shared"
}

resource "aws_cloudwatch_log_group" "app" {
  name       = "app"
  kms_key_id = module.kms.key_arn
}
