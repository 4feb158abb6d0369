module "payments" {
  source = "./modules/kms"
  name   = "payments"
  tags   = { Tier = "app" }
}

output "payments_key_arn" {
  value = module.payments.key_arn
}
