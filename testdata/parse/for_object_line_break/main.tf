# A line break inside the value of a `for` object (as cloudposse/terraform-null-label writes it).
variable "case" {
  default = "none"
}

locals {
  names = ["a", "b"]
  labels = { for k in local.names : k => var.case == "none" ? k :
    var.case == "upper" ? upper(k) : lower(k)
  }
  rotation = { for k in local.names : k => k == "a" ? false : # expect: KMS002
    true
  }
}

resource "aws_kms_key" "a" {
  description         = local.labels["a"]
  enable_key_rotation = local.rotation["a"]
}

resource "aws_kms_key" "b" {
  enable_key_rotation = local.rotation["b"]
}
