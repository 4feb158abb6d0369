resource "aws_kms_key" "global" {
  enable_key_rotation = true
  multi_region        = true # expect: KMS017
}

resource "aws_kms_key" "regional" {
  enable_key_rotation = true
  multi_region        = false
}

resource "aws_kms_key" "default" {
  enable_key_rotation = true
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation = true
  multi_region        = var.multi_region
}

resource "aws_kms_external_key" "global" {
  multi_region = true # expect: KMS017
}
