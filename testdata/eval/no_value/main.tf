variable "rotate" {
  type = bool
}

resource "aws_kms_key" "app" {
  enable_key_rotation = var.rotate
}
