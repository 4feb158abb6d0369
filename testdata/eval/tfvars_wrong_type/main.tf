# A value that does not convert to the variable's type is an input error at the value, and the
# variable is then unknown (no finding either way).
variable "rotate" {
  type    = bool
  default = true
}

variable "window" {
  type    = number
  default = 30
}

variable "admins" {
  type    = list(string)
  default = []
}

resource "aws_kms_key" "app" {
  enable_key_rotation     = var.rotate
  deletion_window_in_days = var.window
}
