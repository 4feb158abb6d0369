# Alone (create = false) this module declares no key; the root creates one through the wrapper.
variable "create" {
  type    = bool
  default = false
}

resource "aws_kms_key" "this" {
  count               = var.create ? 1 : 0
  enable_key_rotation = true
}

output "key_arn" {
  value = one(aws_kms_key.this[*].arn)
}
