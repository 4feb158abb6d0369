terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAEXAMPLEFAKE00000"
  secret_key                  = "fake-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "rotation" {
  type    = bool
  default = false # expect: KMS002 "`aws_kms_key.jsonencoded`"
}

variable "admin_arn" {
  type      = string
  default   = "arn:aws:iam::123456789012:role/admin"
  sensitive = true
}

variable "keys" {
  type    = map(object({ rotate = bool }))
  default = { app = { rotate = true }, logs = { rotate = false } } # expect: KMS002 "`aws_kms_key.each["logs"]`"
}

locals {
  account_id = "123456789012"
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Root"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "jsonencoded" {
  description         = "jsonencode policy"
  enable_key_rotation = var.rotation
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Open"
      Effect    = "Allow"
      Principal = "*" # expect: KMS001 "`aws_kms_key.jsonencoded`"
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "heredoc" {
  enable_key_rotation = true
  policy              = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${var.admin_arn}"}, "Action": "kms:*", "Resource": "*"}]
    }
  EOT
}

resource "aws_kms_key" "from_doc" { # expect: KMS002 "`aws_kms_key.from_doc`"
  policy = data.aws_iam_policy_document.key.json
}

resource "aws_kms_key" "counted" {
  count               = 2
  enable_key_rotation = count.index == 0 # expect: KMS002 "`aws_kms_key.counted[1]`"
}

resource "aws_kms_key" "each" {
  for_each            = var.keys
  enable_key_rotation = each.value.rotate
}

# policy depends on an unknown (arn of a key created in the same plan)
resource "aws_kms_key" "depends_unknown" { # expect: KMS002 "`aws_kms_key.depends_unknown`"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = aws_kms_key.jsonencoded.arn }] # expect: KMS001 "`aws_kms_key.depends_unknown`"
  })
}

module "kms" {
  source   = "./modules/kms"
  name     = "mod"
  rotation = false # expect: KMS002 "`module.kms.aws_kms_key.this`"
}

module "kms_each" {
  source   = "./modules/kms"
  for_each = toset(["a", "b"])
  name     = each.key
  rotation = true
}

output "key_arn" {
  value = aws_kms_key.jsonencoded.arn
}
