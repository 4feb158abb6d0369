resource "aws_kms_key" "off" {
  enable_key_rotation = true
  is_enabled          = false # expect: KMS003 "`is_enabled` is false"
}

# `enabled` is not an argument of aws_kms_key.
resource "aws_kms_key" "wrong_attribute" {
  enable_key_rotation = true
  enabled             = false
}

resource "aws_kms_key" "on" {
  enable_key_rotation = true
  is_enabled          = true
}

resource "aws_kms_key" "default" {
  enable_key_rotation = true
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation = true
  is_enabled          = var.enabled
}

resource "aws_kms_external_key" "off" {
  enabled = false # expect: KMS003 "`enabled` is false"
}

# `is_enabled` is not an argument of aws_kms_external_key.
resource "aws_kms_external_key" "wrong_attribute" {
  is_enabled = false
}

resource "aws_kms_replica_key" "off" {
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  enabled         = false # expect: KMS003
}

resource "aws_kms_replica_external_key" "off" {
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  enabled         = "false" # expect: KMS003
}
