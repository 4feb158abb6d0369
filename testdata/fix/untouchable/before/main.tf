variable "fast" {
  default = true
}

locals {
  rotate = false
}

resource "aws_kms_key" "computed" {
  enable_key_rotation     = var.fast ? false : false
  deletion_window_in_days = var.fast ? 7 : 7
}

resource "aws_kms_key" "string" {
  enable_key_rotation     = true
  deletion_window_in_days = "7"
}

module "vendored" {
  source = "registry.example/kms/aws"
}

resource "aws_kms_key" "null" {
  enable_key_rotation = null
}
