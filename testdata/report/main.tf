resource "aws_kms_key" "orders" {
  description         = "orders"
  enable_key_rotation = false
}

resource "aws_kms_key" "reports" {
  description             = "reports, exported weekly"
  enable_key_rotation     = true
  rotation_period_in_days = 730
  deletion_window_in_days = 7
}
