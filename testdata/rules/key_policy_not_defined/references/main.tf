# Every form real code uses to name a key: each aws_kms_key_policy below links to its key, so
# only the keys that no policy names are reported.

locals {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }]
  })
}

# count, indexed by count.index
resource "aws_kms_key" "counted" {
  count               = 2
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "counted" {
  count  = 2
  key_id = aws_kms_key.counted[count.index].id
  policy = local.policy
}

# count, only the first instance has a policy: the second is reported
resource "aws_kms_key" "half" { # expect: KMS012 "aws_kms_key.half[1]"
  count               = 2
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "half" {
  key_id = aws_kms_key.half[0].arn
  policy = local.policy
}

# for_each, indexed by a literal key
resource "aws_kms_key" "tenant" {
  for_each            = toset(["a", "b"])
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "tenant_a" {
  key_id = aws_kms_key.tenant["a"].arn
  policy = local.policy
}

resource "aws_kms_key_policy" "tenant_b" {
  key_id = try(aws_kms_key.tenant["b"].key_id, null)
  policy = local.policy
}

# for_each over the key resource itself
resource "aws_kms_key" "zone" {
  for_each            = { x = 1, y = 2 }
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "zone" {
  for_each = aws_kms_key.zone
  key_id   = each.value.key_id
  policy   = local.policy
}

# splat with one() and element()
resource "aws_kms_key" "single" {
  count               = 1
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "single" {
  key_id = one(aws_kms_key.single[*].id)
  policy = local.policy
}

resource "aws_kms_key" "pair" {
  count               = 2
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "pair" {
  count  = 2
  key_id = element(aws_kms_key.pair[*].arn, count.index)
  policy = local.policy
}

# through locals
resource "aws_kms_key" "local" {
  enable_key_rotation = true
}

locals {
  keys = { main = aws_kms_key.local }
}

resource "aws_kms_key_policy" "local" {
  key_id = local.keys.main.arn
  policy = local.policy
}

# data sources that look up a key this scan creates, by alias or by reference
resource "aws_kms_key" "aliased" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "aliased" {
  name          = "alias/aliased"
  target_key_id = aws_kms_key.aliased.key_id
}

data "aws_kms_alias" "aliased" {
  name = "alias/aliased"
}

resource "aws_kms_key_policy" "aliased" {
  key_id = data.aws_kms_alias.aliased.target_key_arn
  policy = local.policy
}

resource "aws_kms_key" "by_data_key" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "by_data_key" {
  name          = "alias/by-data-key"
  target_key_id = aws_kms_key.by_data_key.arn
}

data "aws_kms_key" "by_data_key" {
  key_id = "arn:aws:kms:eu-west-1:111122223333:alias/by-data-key"
}

resource "aws_kms_key_policy" "by_data_key" {
  key_id = data.aws_kms_key.by_data_key.id
  policy = local.policy
}

resource "aws_kms_key" "by_alias_resource" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "by_alias_resource" {
  name          = "alias/by-alias-resource"
  target_key_id = aws_kms_key.by_alias_resource.id
}

data "aws_kms_key" "by_alias_resource" {
  key_id = aws_kms_alias.by_alias_resource.name
}

resource "aws_kms_key_policy" "by_alias_resource" {
  key_id = data.aws_kms_key.by_alias_resource.arn
  policy = local.policy
}

resource "aws_kms_key" "alias_target" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "alias_target" {
  name          = "alias/alias-target"
  target_key_id = aws_kms_key.alias_target.arn
}

resource "aws_kms_key_policy" "alias_target" {
  key_id = aws_kms_alias.alias_target.target_key_arn
  policy = local.policy
}

# module outputs, through a module that wraps another
module "wrapper" {
  source = "./modules/wrapper"
  create = true
}

resource "aws_kms_key_policy" "nested" {
  key_id = module.wrapper.inner_key_arn
  policy = local.policy
}

# a data source in the root looking up an alias that a child module creates
module "aliased" {
  source = "./modules/aliased"
  create = true
}

data "aws_kms_alias" "from_child" {
  name = "alias/from-child"
}

resource "aws_kms_key_policy" "from_child" {
  key_id = data.aws_kms_alias.from_child.target_key_id
  policy = local.policy
}
