# Rotation explicitly off.
resource "aws_kms_key" "off" {
  description         = "rotation explicitly disabled"
  enable_key_rotation = false # expect: KMS002 "`enable_key_rotation` is false"
}

# Attribute missing: reported on the block header.
resource "aws_kms_key" "missing" { # expect: KMS002 "not set and defaults to false"
  description = "rotation never mentioned"
}

# `null` is the same as absent.
resource "aws_kms_key" "null" { # expect: KMS002
  enable_key_rotation = null
}

# Terraform converts the string "false" to a bool.
resource "aws_kms_key" "string_false" {
  enable_key_rotation = "false" # expect: KMS002
}

# Spec and usage written out explicitly are still eligible.
resource "aws_kms_key" "explicit_symmetric" { # expect: KMS002
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  key_usage                = "ENCRYPT_DECRYPT"
}

# Rotation on, but less often than the maximum of 365 days.
resource "aws_kms_key" "slow" {
  enable_key_rotation     = true
  rotation_period_in_days = 730 # expect: KMS002 "every 730 days, more than the maximum of 365"
}

# Rotation on at the maximum: clean.
resource "aws_kms_key" "yearly" {
  enable_key_rotation     = true
  rotation_period_in_days = 365
}

# Rotation on with the default period: clean.
resource "aws_kms_key" "on" {
  enable_key_rotation = true
}

# Asymmetric encryption key: cannot rotate automatically.
resource "aws_kms_key" "rsa_encrypt" {
  customer_master_key_spec = "RSA_2048"
  key_usage                = "ENCRYPT_DECRYPT"
}

# HMAC key: cannot rotate automatically.
resource "aws_kms_key" "hmac" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
}

# Signing key: cannot rotate automatically.
resource "aws_kms_key" "ecc_sign" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
}

# Post-quantum signing key: cannot rotate automatically.
resource "aws_kms_key" "ml_dsa" {
  customer_master_key_spec = "ML_DSA_65"
  key_usage                = "SIGN_VERIFY"
}

# Key in a CloudHSM custom key store: cannot rotate automatically.
resource "aws_kms_key" "cloudhsm" {
  custom_key_store_id = "cks-1234567890abcdef0"
}

# Key in an external key store: cannot rotate automatically.
resource "aws_kms_key" "xks" {
  custom_key_store_id = "cks-abcdef01234567890"
  xks_key_id          = "bb8562717f809024"
}

# Imported key material: never eligible.
resource "aws_kms_external_key" "imported" {
  description = "imported"
}

# Replicas follow their primary key's rotation.
resource "aws_kms_replica_key" "replica" {
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
}

resource "aws_kms_replica_external_key" "replica_imported" {
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
}

# Values the scan cannot know: no finding.
resource "aws_kms_key" "from_variable" {
  enable_key_rotation = var.rotate
}

resource "aws_kms_key" "unknown_spec" {
  customer_master_key_spec = var.spec
}

resource "aws_kms_key" "unknown_store" {
  custom_key_store_id = aws_kms_custom_key_store.hsm.id
}

resource "aws_kms_key" "unknown_period" {
  enable_key_rotation     = true
  rotation_period_in_days = var.period
}

# No instance at all.
resource "aws_kms_key" "none" {
  count = 0
}

# A period KMS rejects is KMS020's finding, not this rule's.
resource "aws_kms_key" "period_rejected" {
  enable_key_rotation     = true
  rotation_period_in_days = 3000
}
