resource "aws_kms_key" "app" {
  description         = "application data"
  enable_key_rotation = true
}

resource "aws_kms_key" "missing" {
  description         = "ünïcode wïdth"
  enable_key_rotation = true
}
