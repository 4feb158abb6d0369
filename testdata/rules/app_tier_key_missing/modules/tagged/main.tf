# Nothing calls this module: analysed on its own, its tags are unknown, and an unknown value
# never satisfies a tier.
variable "tags" {
  type = map(string)
}

resource "aws_kms_key" "this" {
  enable_key_rotation = true
  tags                = var.tags
}
