module "k" { source = "./modules/k" }
resource "aws_kms_key" "a" { # expect: KMS012 "`aws_kms_key.a`"
  enable_key_rotation = true
  tags                = { Name = module.k.name }
}
