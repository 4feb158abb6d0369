# A reusable module: analysed on its own, its alias name is unknown. It is called from the
# root, so it is not a root itself, and its unknown name satisfies no required alias.
variable "name" {
  type = string
}

resource "aws_kms_key" "this" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
