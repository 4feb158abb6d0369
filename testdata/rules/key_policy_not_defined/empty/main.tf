# The provider sends no policy for "": AWS applies the default key policy.
variable "policy" {
  type    = string
  default = ""
}

resource "aws_kms_key" "from_variable" { # expect: KMS012
  enable_key_rotation = true
  policy              = var.policy
}

resource "aws_kms_key" "literal" { # expect: KMS012
  enable_key_rotation = true
  policy              = ""
}
