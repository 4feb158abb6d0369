variable "rotate" {
  type = bool
}

resource "aws_kms_key" "this" {
  enable_key_rotation = var.rotate
}
