resource "aws_kms_key" "app" {
  enable_key_rotation = false # expect: KMS002 "`aws_kms_key.app`"
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}

locals {
  window = 7 # expect: KMS014 "`aws_kms_key.window`"
}

data "aws_iam_policy_document" "shared" {
  statement {
    sid       = "Account"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_kms_key" "missing" { # expect: input-error "block in the other files to override"
  enable_key_rotation = false
}
