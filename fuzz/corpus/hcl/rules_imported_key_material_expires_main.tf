resource "aws_kms_external_key" "expiring" {
  key_material_base64 = var.key_material
  valid_to            = "2027-01-01T00:00:00Z" # expect: KMS019 "expires at 2027-01-01T00:00:00Z"
}

resource "aws_kms_external_key" "permanent" {
  key_material_base64 = var.key_material
}

resource "aws_kms_external_key" "from_variable" {
  key_material_base64 = var.key_material
  valid_to            = var.valid_to
}

resource "aws_kms_replica_external_key" "expiring" {
  primary_key_arn     = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  key_material_base64 = var.key_material
  valid_to            = "2027-06-30T00:00:00Z" # expect: KMS019
}

# `valid_to` is not an argument of aws_kms_key.
resource "aws_kms_key" "generated" {
  enable_key_rotation = true
  valid_to            = "2027-01-01T00:00:00Z"
}
