resource "aws_kms_key" "payments" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "payments" {
  name          = "alias/payments-prod"
  target_key_id = aws_kms_key.payments.key_id
}

# Points at a key id written out: not a key of this configuration.
resource "aws_kms_alias" "external" {
  name          = "alias/external"
  target_key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
}

# Created with for_each: one alias per tenant.
resource "aws_kms_key" "tenant" {
  for_each            = toset(["a", "b"])
  enable_key_rotation = true
}

resource "aws_kms_alias" "tenant" {
  for_each      = aws_kms_key.tenant
  name          = "alias/tenant-${each.key}"
  target_key_id = each.value.key_id
}

# Indexed, through a local, and through a module output: each points at a key of the scan.
resource "aws_kms_key" "counted" {
  count               = 2
  enable_key_rotation = true
}

resource "aws_kms_alias" "counted" {
  name          = "alias/counted"
  target_key_id = aws_kms_key.counted[1].arn
}

locals {
  keys = { main = aws_kms_key.counted[0] }
}

resource "aws_kms_alias" "via_local" {
  name          = "alias/via-local"
  target_key_id = local.keys.main.key_id
}

module "key" {
  source = "./modules/key"
}

resource "aws_kms_alias" "from_module" {
  name          = "alias/from-module"
  target_key_id = module.key.key_id
}

# Creates `alias/called` through the module.
module "called" {
  source = "./modules/alias"
  name   = "called"
}
