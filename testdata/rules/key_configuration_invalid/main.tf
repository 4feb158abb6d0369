# deletion_window_in_days: ScheduleKeyDeletion accepts 7 to 30.
resource "aws_kms_key" "window31" {
  enable_key_rotation     = true
  deletion_window_in_days = 31 # expect: KMS020 "accepts 7 to 30 days"
}

resource "aws_kms_key" "window3" {
  enable_key_rotation     = true
  deletion_window_in_days = 3 # expect: KMS020
}

resource "aws_kms_key" "window_bounds" {
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_kms_external_key" "window" {
  deletion_window_in_days = 45 # expect: KMS020
}

variable "window" {
  type    = number
  default = 0 # expect: KMS020 "window_variable"
}

resource "aws_kms_key" "window_variable" {
  enable_key_rotation     = true
  deletion_window_in_days = var.window
}

resource "aws_kms_key" "window_unknown" {
  enable_key_rotation     = true
  deletion_window_in_days = var.unset
}

# rotation_period_in_days: 90 to 2560.
resource "aws_kms_key" "period_short" {
  enable_key_rotation     = true
  rotation_period_in_days = 30 # expect: KMS020 "accepts 90 to 2560 days"
}

resource "aws_kms_key" "period_long" {
  enable_key_rotation     = true
  rotation_period_in_days = 2561 # expect: KMS020
}

resource "aws_kms_key" "period_bounds" {
  enable_key_rotation     = true
  rotation_period_in_days = 2560
}

# Rotation on keys that cannot rotate.
resource "aws_kms_key" "rsa_rotation" {
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
  enable_key_rotation      = true # expect: KMS020 "asymmetric key (`RSA_2048`)"
}

resource "aws_kms_key" "hmac_rotation" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
  enable_key_rotation      = true # expect: KMS020 "an HMAC key"
}

resource "aws_kms_key" "store_rotation" {
  custom_key_store_id = "cks-1234567890abcdef0"
  enable_key_rotation = true # expect: KMS020 "custom key store"
}

resource "aws_kms_key" "xks_rotation" {
  custom_key_store_id = var.store
  xks_key_id          = "bb8562717f809024"
  enable_key_rotation = true # expect: KMS020 "custom key store"
}

# Rotation of an asymmetric key left off: fine.
resource "aws_kms_key" "rsa_no_rotation" {
  customer_master_key_spec = "RSA_4096"
  key_usage                = "ENCRYPT_DECRYPT"
}

# The spec is not known: no guess.
resource "aws_kms_key" "spec_unknown" {
  customer_master_key_spec = var.spec
  key_usage                = "SIGN_VERIFY"
  enable_key_rotation      = true
}

# An empty custom key store id is no custom key store.
resource "aws_kms_key" "store_empty" {
  custom_key_store_id = ""
  enable_key_rotation = true
}

# key_usage that the key spec does not support.
resource "aws_kms_key" "symmetric_sign" {
  key_usage = "SIGN_VERIFY" # expect: KMS020 "accepts ENCRYPT_DECRYPT"
}

resource "aws_kms_key" "hmac_default_usage" {
  customer_master_key_spec = "HMAC_384" # expect: KMS020 "the default `key_usage` ENCRYPT_DECRYPT"
}

resource "aws_kms_key" "ecc_agreement" {
  customer_master_key_spec = "ECC_NIST_P384"
  key_usage                = "KEY_AGREEMENT"
}

resource "aws_kms_key" "ecc_encrypt" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "ENCRYPT_DECRYPT" # expect: KMS020 "SIGN_VERIFY or KEY_AGREEMENT"
}

resource "aws_kms_key" "secg_agreement" {
  customer_master_key_spec = "ECC_SECG_P256K1"
  key_usage                = "KEY_AGREEMENT" # expect: KMS020
}

resource "aws_kms_key" "edwards" {
  customer_master_key_spec = "ECC_NIST_EDWARDS25519"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "ml_dsa" {
  customer_master_key_spec = "ML_DSA_65"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "ml_dsa_encrypt" {
  customer_master_key_spec = "ML_DSA_44"
  key_usage                = "ENCRYPT_DECRYPT" # expect: KMS020
}

resource "aws_kms_key" "sm2" {
  customer_master_key_spec = "SM2"
  key_usage                = "KEY_AGREEMENT"
}

resource "aws_kms_key" "rsa_mac" {
  customer_master_key_spec = "RSA_3072"
  key_usage                = "GENERATE_VERIFY_MAC" # expect: KMS020
}

# A spec the table does not know is not judged.
resource "aws_kms_key" "future_spec" {
  customer_master_key_spec = "ML_KEM_768"
  key_usage                = "ENCAPSULATE_DECAPSULATE"
}
