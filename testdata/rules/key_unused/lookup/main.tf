# A key looked up by a name the scan does not know may be any key of the module.
resource "aws_kms_key" "maybe" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "maybe" {
  name          = "alias/maybe"
  target_key_id = aws_kms_key.maybe.key_id
}

variable "alias_name" {
  type = string
}

data "aws_kms_alias" "chosen" {
  name = var.alias_name
}

resource "aws_sns_topic" "t" {
  name              = "t"
  kms_master_key_id = data.aws_kms_alias.chosen.target_key_arn
}
