variable "trusted" {
  type    = string
  default = "444455556666"
}

resource "aws_kms_key" "shared" {
  enable_key_rotation = true
  policy = templatefile("${path.module}/templates/policy.json.tpl", {
    owner   = "111122223333"
    account = var.trusted
  })
  # expect@templates/policy.json.tpl:14: KMS006 "the root of account 444455556666"
  # expect@templates/policy.json.tpl:21: KMS001 "every AWS principal"
}
