resource "aws_kms_key" "app" {
  description         = "rotation comes from a variable"
  enable_key_rotation = var.rotate
}

# Through a local and a conditional.
locals {
  rotate_logs = var.environment == "prod" ? true : var.rotate
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = local.rotate_logs
}
