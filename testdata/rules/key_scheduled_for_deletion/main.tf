# The key spec changed, which forces a new key: the plan replaces it.
resource "aws_kms_key" "signing" { # expect: KMS005 "the plan replaces it (delete and create): `aws_kms_key.signing` is scheduled for deletion and becomes unusable after a 30-day waiting period"
  customer_master_key_spec = "ECC_NIST_P384"
  key_usage                = "SIGN_VERIFY"
}

# Only a description changed: updated in place, not deleted.
resource "aws_kms_key" "app" {
  description         = "application data (renamed)"
  enable_key_rotation = true
}
