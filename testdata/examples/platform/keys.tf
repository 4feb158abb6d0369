# Imported key material from the on-premises HSM.
resource "aws_kms_external_key" "hsm_import" {
  description             = "material imported from the on-premises HSM"
  key_material_base64     = var.hsm_key_material
  valid_to                = "2027-03-31T00:00:00Z"
  deletion_window_in_days = 30
}

# Audit logs: the rotation period comes from a variable, which this release does not evaluate.
resource "aws_kms_key" "audit" {
  description             = "CloudTrail audit logs"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_days
}

# Break-glass key, created with the lockout safety check disabled.
resource "aws_kms_key" "break_glass" {
  description                        = "break-glass access"
  enable_key_rotation                = true
  rotation_period_in_days            = 1095
  bypass_policy_lockout_safety_check = true
}
