terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

# Customer data at rest: rotates yearly, 30-day deletion window.
resource "aws_kms_key" "payments" {
  description             = "payments service data at rest"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = {
    Tier  = "database"
    Owner = "payments"
  }
}

resource "aws_kms_alias" "payments" {
  name          = "alias/payments-prod"
  target_key_id = aws_kms_key.payments.key_id
}

# Ledger exports: rotation was never switched on.
resource "aws_kms_key" "ledger_exports" {
  description             = "ledger export bucket"
  deletion_window_in_days = 7
  multi_region            = true

  tags = {
    Tier = "app"
  }
}

# Signing key for payment receipts: asymmetric, cannot rotate (not reported).
resource "aws_kms_key" "receipts_signing" {
  description              = "receipt signatures"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
}

# Old key kept for decrypting archived data.
resource "aws_kms_key" "legacy" {
  description         = "pre-2024 archive"
  enable_key_rotation = true
  is_enabled          = false
}
