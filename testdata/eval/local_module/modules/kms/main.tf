variable "name" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

variable "rotate" {
  type    = bool
  default = true
}

resource "aws_kms_key" "this" {
  description         = var.name
  enable_key_rotation = var.rotate
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = var.public ? "*" : "arn:aws:iam::111122223333:root" # expect: KMS001 "`module.kms.aws_kms_key.this`"
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
