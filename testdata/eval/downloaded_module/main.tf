module "remote" {
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 3.0"

  enable_key_rotation = false # expect: KMS002 "`module.remote.aws_kms_key.this`"
}
