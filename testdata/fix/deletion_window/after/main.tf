variable "window" {
  type    = number
  default = 30
}

resource "aws_kms_key" "short" {
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key" "invalid" {
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation     = true
  deletion_window_in_days = var.window
}
