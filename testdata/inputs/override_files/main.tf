resource "aws_kms_key" "app" {
  description         = "rotation on here, turned off by override.tf"
  enable_key_rotation = true
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = false # overridden: rotation is on
}

locals {
  window = 30
}

resource "aws_kms_key" "window" {
  enable_key_rotation     = true
  deletion_window_in_days = local.window
}

resource "aws_kms_key" "json" {
  enable_key_rotation = true
}

resource "aws_kms_key" "shared" {
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.shared.json
}

data "aws_iam_policy_document" "shared" {
  # Replaced by the statement of override.tf: every statement block of the type goes.
  statement {
    sid       = "Public"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
