module "payments" {
  source = "./modules/kms"
  name   = "payments"
  tags   = { Tier = "app" }
}
