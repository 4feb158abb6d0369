resource "aws_kms_key" "long" {
  enable_key_rotation     = true
  rotation_period_in_days = 400
}

resource "aws_kms_key" "invalid" {
  enable_key_rotation     = true
  rotation_period_in_days = 3000 # too long for KMS
}

resource "aws_kms_key" "hmac" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "ENCRYPT_DECRYPT"
  enable_key_rotation      = true
}
