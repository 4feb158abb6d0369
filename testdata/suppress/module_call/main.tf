# kmslint:ignore KMS012 -- the shared module's keys keep the account's default key policy
module "payments" {
  source = "./modules/key"
  rotate = false # kmslint:ignore KMS002 -- rotated by the HSM pipeline
}

module "audit" {
  source = "./modules/key"
  rotate = false
}
