# Fixture for .ci/action-test.sh: one warning (KMS002) and one note (KMS014), no error.
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "orders" {
  description             = "Order data"
  enable_key_rotation     = false
  deletion_window_in_days = 7

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

output "orders_key_arn" {
  value = aws_kms_key.orders.arn
}
