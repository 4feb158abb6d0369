variable "rotate" {
  default = false
}

resource "aws_kms_key" "a" {
  enable_key_rotation = var.rotate
}

resource "aws_kms_key" "b" {
  enable_key_rotation = var.rotate
}

resource "aws_kms_key" "disabled" {
  enable_key_rotation = true
  is_enabled          = false
}
