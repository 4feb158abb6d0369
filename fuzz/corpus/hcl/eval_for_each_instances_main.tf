locals {
  keys = {
    payments = { enabled = true }
    archive  = { enabled = false } # expect: KMS003 "`aws_kms_key.this["archive"]` is disabled"
    audit    = { enabled = true }
  }
}

resource "aws_kms_key" "this" {
  for_each            = local.keys
  description         = "key for ${each.key}"
  enable_key_rotation = true
  is_enabled          = each.value.enabled
}

resource "aws_kms_key" "counted" {
  count               = 2
  enable_key_rotation = true
  is_enabled          = count.index == 0 # expect: KMS003 "`aws_kms_key.counted[1]`"
}
