# Without `terraform init`, a registry module is not on disk: nothing is guessed.
module "remote" {
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 3.0"

  enable_key_rotation = false
}
