module "kms" {
  source = "./modules/kms"

  name   = "shared"
  public = true
}

module "kms_private" {
  source = "./modules/kms"

  name   = "private"
  public = false
  rotate = false # expect: KMS002 "`module.kms_private.aws_kms_key.this`"
}
