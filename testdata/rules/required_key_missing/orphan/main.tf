# A module nothing calls: a root whose alias name is unknown; it satisfies nothing.
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
