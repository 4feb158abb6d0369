# Alone (create = false) this module declares no key; the root creates one and looks it up by
# its alias.
variable "create" {
  type    = bool
  default = false
}

resource "aws_kms_key" "this" {
  count               = var.create ? 1 : 0
  enable_key_rotation = true
}

resource "aws_kms_alias" "this" {
  count         = var.create ? 1 : 0
  name          = "alias/from-child"
  target_key_id = aws_kms_key.this[count.index].key_id
}
