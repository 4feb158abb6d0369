resource "aws_kms_key" "long" {
  enable_key_rotation     = true
  rotation_period_in_days = 365
}

resource "aws_kms_key" "invalid" {
  enable_key_rotation     = true
  rotation_period_in_days = 365 # too long for KMS
}

resource "aws_kms_key" "hmac" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
  enable_key_rotation      = false
}
