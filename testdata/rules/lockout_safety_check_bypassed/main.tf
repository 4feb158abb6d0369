resource "aws_kms_key" "bypass" {
  enable_key_rotation                = true
  bypass_policy_lockout_safety_check = true # expect: KMS013
}

resource "aws_kms_key" "checked" {
  enable_key_rotation                = true
  bypass_policy_lockout_safety_check = false
}

resource "aws_kms_key" "default" {
  enable_key_rotation = true
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation                = true
  bypass_policy_lockout_safety_check = var.bypass
}

resource "aws_kms_external_key" "bypass" {
  bypass_policy_lockout_safety_check = true # expect: KMS013
}

resource "aws_kms_replica_key" "bypass" {
  primary_key_arn                    = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  bypass_policy_lockout_safety_check = true # expect: KMS013
}

resource "aws_kms_key_policy" "bypass" {
  key_id                             = aws_kms_key.checked.id
  bypass_policy_lockout_safety_check = true # expect: KMS013 "`aws_kms_key_policy.bypass`"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
