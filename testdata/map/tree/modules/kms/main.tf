variable "name" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = var.name
  enable_key_rotation = true
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
