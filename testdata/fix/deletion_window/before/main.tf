variable "window" {
  type    = number
  default = 10
}

resource "aws_kms_key" "short" {
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_kms_key" "invalid" {
  enable_key_rotation     = true
  deletion_window_in_days = 31
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation     = true
  deletion_window_in_days = var.window
}
