# Keys of the payments service. Each exception below was reviewed in SEC-1234.

# kmslint:ignore KMS002, KMS012 -- rotation follows var.rotate, set per environment
resource "aws_kms_key" "payments" {
  description         = "payments"
  enable_key_rotation = var.rotate
}

resource "aws_kms_key" "audit" {
  #checkov:skip=CKV_AWS_7:rotation of the audit key is manual
  #checkov:skip=CKV2_AWS_64:the default key policy is intended
  description  = "audit"
  multi_region = true # kmslint:ignore multi-region-key -- read in the recovery region
}

#tfsec:ignore:aws-kms-auto-rotate-keys
/* kmslint:ignore KMS012 -- imported from the old account */
resource "aws_kms_key" "legacy" {
  description = "legacy"
}

resource "aws_kms_key" "unreviewed" {
  description = "no exception: both findings stay"
}
