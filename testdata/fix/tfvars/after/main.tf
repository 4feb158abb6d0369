variable "rotate" {
  type = bool
}

variable "window" {
  type = number
}

resource "aws_kms_key" "app" {
  enable_key_rotation     = var.rotate
  deletion_window_in_days = var.window
}
