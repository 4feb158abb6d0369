locals {
  a = local.b # expect: input-error "cycle between locals: local.a → local.b → local.a"
  b = local.a
}

resource "aws_kms_key" "app" {
  enable_key_rotation = local.a
}
