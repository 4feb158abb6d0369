module "kms" {
  source = "./kms"
}

resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = module.kms.key_arn
}
