resource "aws_kms_key" "app" {
  description                        = "application data"
  enable_key_rotation                = true
  bypass_policy_lockout_safety_check = true # removed by the fix
  deletion_window_in_days            = 30
}

resource "aws_kms_key_policy" "app" {
  key_id                             = aws_kms_key.app.id
  bypass_policy_lockout_safety_check = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
