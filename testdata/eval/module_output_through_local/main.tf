module "k" { source = "./modules/k" }
locals { arn = module.k.key_arn }
resource "aws_sqs_queue" "q" { kms_master_key_id = local.arn }

resource "aws_kms_key" "sentinel" {
  enable_key_rotation = false # expect: KMS002 "`aws_kms_key.sentinel`"
}
