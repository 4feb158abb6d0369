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

# Computed when Terraform runs: the date is unknown, the expiry is certain.
resource "aws_kms_external_key" "computed" {
  key_material_base64 = var.key_material
  valid_to            = replace(timeadd(plantimestamp(), "4380h"), "/T.*/", "T00:00:00Z") # expect: KMS019 "computed when Terraform runs"
}

resource "aws_kms_external_key" "template" {
  key_material_base64 = var.key_material
  valid_to            = "${var.year}-01-01T00:00:00Z" # expect: KMS019
}

# try() may give null: no expiry is certain.
resource "aws_kms_external_key" "maybe" {
  key_material_base64 = var.key_material
  valid_to            = try(var.valid_to, null)
}

# The provider treats "" as not set.
resource "aws_kms_external_key" "empty" {
  key_material_base64 = var.key_material
  valid_to            = ""
}
