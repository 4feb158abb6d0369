variable "enable_key_rotation" {
  type    = bool
  default = true
}

resource "aws_kms_key" "this" {
  enable_key_rotation = var.enable_key_rotation
}
