# Reading a child module's output while the root's resources are read instantiates the child,
# whose own resources join the inventory then.
module "k" {
  source = "./modules/k"
}

resource "aws_sqs_queue" "q" {
  name              = "q"
  kms_master_key_id = module.k.key_arn
}
