resource "aws_kms_key" "dev" {
  description             = "Development key"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

output "dev_key_arn" {
  value = aws_kms_key.dev.arn
}
