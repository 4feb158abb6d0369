# Reads its own key through `key_arn`; the inner module's `key_arn` is not read by anyone.
resource "aws_kms_key" "this" {
  enable_key_rotation = true
}

module "inner" {
  source = "./inner"
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
