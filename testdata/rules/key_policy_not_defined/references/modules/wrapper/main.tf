variable "create" {
  type    = bool
  default = false
}

module "kms" {
  source = "../kms"
  create = var.create
}

output "inner_key_arn" {
  value = module.kms.key_arn
}
