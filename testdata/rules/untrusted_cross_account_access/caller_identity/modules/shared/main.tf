data "aws_caller_identity" "current" {}

variable "reader_account" {
  type    = string
  default = null
}

resource "aws_kms_key" "shared" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      }],
      var.reader_account == null ? [] : [{
        Sid       = "Reader"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.reader_account}:root" } # expect: KMS006 "135792468013, list it in `accounts`"
        Action    = "kms:Decrypt"
        Resource  = "*"
      }]
    )
  })
}
