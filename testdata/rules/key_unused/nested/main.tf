module "outer" {
  source = "./outer"
}

resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = module.outer.key_arn
}
