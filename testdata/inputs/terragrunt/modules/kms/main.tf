variable "rotate" {
  type = bool
}

variable "window" {
  type    = number
  default = 30
}

variable "alias" {
  type    = string
  default = null
}

resource "aws_kms_key" "this" {
  enable_key_rotation     = var.rotate
  deletion_window_in_days = var.window
}
