#!/usr/bin/env python3
"""Writes a deterministic Terraform tree shaped like a company's infrastructure repository.

usage: bench/gen_corpus.py OUT_DIR [--modules N] [--seed S]

OUT_DIR/modules/kms-key/ is a reusable key module; OUT_DIR/services/NAME/ holds N service roots.
Each service has versions.tf, variables.tf, kms.tf (customer-managed keys whose policies take the
forms seen in real code: jsonencode, heredoc JSON, an aws_iam_policy_document, a local, and an
aws_kms_key_policy resource), data.tf (an S3 bucket with SSE-KMS and a bucket policy, SQS, SNS,
CloudWatch Logs, Secrets Manager, EBS and an IAM policy, all encrypted with those keys),
outputs.tf and terraform.tfvars, and calls the key module.

Roughly one key in five has a defect kmslint reports (public principal, rotation off, disabled
key, a foreign account, a short deletion window) and some services encrypt with an AWS-managed
key, so a run has findings to render. Each service's content depends only on the seed and its
index: the same arguments always write the same bytes, and a larger tree extends a smaller one.
"""

import argparse
import os
import random
import sys

FOREIGN_ACCOUNTS = ("999988887777", "123456789012", "555566667777")
TIERS = ("app", "database", "web")
TEAMS = ("payments", "identity", "search", "ledger", "ingest", "billing", "catalog", "risk")
REGIONS = ("eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2")
DEFECTS = ("public", "rotation", "disabled", "foreign", "window")

ADMIN_ACTIONS = (
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
    "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
)
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
               "kms:DescribeKey")

KEY_MODULE = '''variable "name" {
  description = "Short name of the key; the alias is alias/<environment>/<name>."
  type        = string
}

variable "environment" {
  type = string
}

variable "tier" {
  type    = string
  default = "app"
}

variable "administrators" {
  description = "IAM principals that administer the key."
  type        = list(string)
  default     = []
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountRoot"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = length(var.administrators) > 0 ? [1] : []
    content {
      sid       = "Administrators"
      actions   = %(admin)s
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.administrators
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.environment}/${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = {
    Name = var.name
    Tier = var.tier
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.environment}/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

output "key_arn" {
  value = aws_kms_key.this.arn
}

output "alias_name" {
  value = aws_kms_alias.this.name
}
''' % {"admin": "[" + ", ".join(f'"{a}"' for a in ADMIN_ACTIONS) + "]"}


def hcl_list(items, indent):
    """An HCL/JSON list of strings, one per line, at the given indentation."""
    pad = " " * indent
    body = ",\n".join(f'{pad}  "{item}"' for item in items)
    return f"[\n{body}\n{pad}]"


class Service:
    """One service root: its keys, each with a name, tier and an optional planted defect."""

    def __init__(self, seed, index):
        # Seeded by index so that service i is the same in every tree size.
        self.r = random.Random(seed * 1_000_003 + index)
        self.index = index
        self.team = self.r.choice(TEAMS)
        self.name = f"{self.team}-{index:05d}"
        self.ident = self.name.replace("-", "_")
        self.region = self.r.choice(REGIONS)
        self.keys = []
        for k in range(self.r.randint(2, 5)):
            defect = self.r.choice(DEFECTS) if self.r.random() < 0.2 else None
            self.keys.append((f"{('data', 'logs', 'queue', 'secrets', 'backup')[k]}",
                              self.r.choice(TIERS), defect))
        self.aws_managed = self.r.random() < 0.15

    def principal(self, defect):
        if defect == "public":
            return '"*"'
        return '"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"'

    def statements_json(self, defect, indent):
        """The key policy's statements as JSON text (heredoc style)."""
        pad = " " * indent
        root = self.principal(defect)
        out = [
            f'''{pad}{{
{pad}  "Sid": "EnableRootPermissions",
{pad}  "Effect": "Allow",
{pad}  "Principal": {{ "AWS": {root} }},
{pad}  "Action": "kms:*",
{pad}  "Resource": "*"
{pad}}}''',
            f'''{pad}{{
{pad}  "Sid": "AllowServiceRole",
{pad}  "Effect": "Allow",
{pad}  "Principal": {{ "AWS": "${{aws_iam_role.service.arn}}" }},
{pad}  "Action": {hcl_list(USE_ACTIONS, indent + 2).strip()},
{pad}  "Resource": "*"
{pad}}}''',
        ]
        if defect == "foreign":
            account = self.r.choice(FOREIGN_ACCOUNTS)
            out.append(f'''{pad}{{
{pad}  "Sid": "PartnerDecrypt",
{pad}  "Effect": "Allow",
{pad}  "Principal": {{ "AWS": "arn:aws:iam::{account}:root" }},
{pad}  "Action": ["kms:Decrypt", "kms:DescribeKey"],
{pad}  "Resource": "*"
{pad}}}''')
        return ",\n".join(out)

    def statements_hcl(self, defect, indent):
        """The key policy's statements as HCL objects (jsonencode style)."""
        pad = " " * indent
        root = self.principal(defect)
        out = [
            f'''{pad}{{
{pad}  Sid       = "EnableRootPermissions"
{pad}  Effect    = "Allow"
{pad}  Principal = {{ AWS = {root} }}
{pad}  Action    = "kms:*"
{pad}  Resource  = "*"
{pad}}}''',
            f'''{pad}{{
{pad}  Sid       = "AllowServiceRole"
{pad}  Effect    = "Allow"
{pad}  Principal = {{ AWS = aws_iam_role.service.arn }}
{pad}  Action    = {hcl_list(USE_ACTIONS, indent + 2).strip()}
{pad}  Resource  = "*"
{pad}}}''',
            f'''{pad}{{
{pad}  Sid       = "AllowCloudWatchLogs"
{pad}  Effect    = "Allow"
{pad}  Principal = {{ Service = "logs.${{var.region}}.amazonaws.com" }}
{pad}  Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
{pad}  Resource  = "*"
{pad}  Condition = {{
{pad}    ArnLike = {{
{pad}      "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${{var.region}}:${{data.aws_caller_identity.current.account_id}}:*"
{pad}    }}
{pad}  }}
{pad}}}''',
        ]
        if defect == "foreign":
            account = self.r.choice(FOREIGN_ACCOUNTS)
            out.append(f'''{pad}{{
{pad}  Sid       = "PartnerDecrypt"
{pad}  Effect    = "Allow"
{pad}  Principal = {{ AWS = "arn:aws:iam::{account}:root" }}
{pad}  Action    = ["kms:Decrypt", "kms:DescribeKey"]
{pad}  Resource  = "*"
{pad}}}''')
        return ",\n".join(out)

    def policy_document(self, key, defect):
        """A data "aws_iam_policy_document" for one key."""
        root = self.principal(defect)
        foreign = ""
        if defect == "foreign":
            account = self.r.choice(FOREIGN_ACCOUNTS)
            foreign = f'''
  statement {{
    sid       = "PartnerDecrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]

    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::{account}:root"]
    }}
  }}
'''
        return f'''data "aws_iam_policy_document" "{key}" {{
  statement {{
    sid       = "EnableRootPermissions"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {{
      type        = "AWS"
      identifiers = [{root}]
    }}
  }}

  statement {{
    sid       = "AllowServiceRole"
    actions   = {hcl_list(USE_ACTIONS, 4).strip()}
    resources = ["*"]

    principals {{
      type        = "AWS"
      identifiers = [aws_iam_role.service.arn]
    }}

    condition {{
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }}
  }}
{foreign}}}

'''

    def key_block(self, key, tier, defect, policy_expr):
        rotation = "false" if defect == "rotation" else "true"
        enabled = "false" if defect == "disabled" else "true"
        window = self.r.choice((7, 10)) if defect == "window" else 30
        policy = f"\n  policy                  = {policy_expr}" if policy_expr else ""
        return f'''resource "aws_kms_key" "{key}" {{
  description             = "{self.name} {key} ({tier} tier)"
  enable_key_rotation     = {rotation}
  is_enabled              = {enabled}
  deletion_window_in_days = {window}{policy}

  tags = merge(local.common_tags, {{
    Name = "{self.name}-{key}"
    Tier = "{tier}"
  }})
}}

resource "aws_kms_alias" "{key}" {{
  name          = "alias/${{var.environment}}/{self.name}/{key}"
  target_key_id = aws_kms_key.{key}.key_id
}}

'''

    def kms_tf(self):
        parts = [f'''locals {{
  common_tags = {{
    Service     = "{self.name}"
    Team        = "{self.team}"
    Environment = var.environment
    ManagedBy   = "terraform"
  }}
}}

data "aws_caller_identity" "current" {{}}

resource "aws_iam_role" "service" {{
  name = "{self.name}-${{var.environment}}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "ecs-tasks.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
  tags = local.common_tags
}}

''']
        for n, (key, tier, defect) in enumerate(self.keys):
            style = (self.index + n) % 5
            if style == 0:
                expr = f'''jsonencode({{
    Version = "2012-10-17"
    Statement = [
{self.statements_hcl(defect, 6)}
    ]
  }})'''
                parts.append(self.key_block(key, tier, defect, expr))
            elif style == 1:
                expr = f'''<<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [
{self.statements_json(defect, 8)}
      ]
    }}
  EOT'''
                parts.append(self.key_block(key, tier, defect, expr))
            elif style == 2:
                parts.append(self.policy_document(f"{key}_key", defect))
                parts.append(self.key_block(key, tier, defect,
                                            f"data.aws_iam_policy_document.{key}_key.json"))
            elif style == 3:
                parts.append(f'''locals {{
  {key}_key_policy = {{
    Version = "2012-10-17"
    Statement = [
{self.statements_hcl(defect, 6)}
    ]
  }}
}}

''')
                parts.append(self.key_block(key, tier, defect,
                                            f"jsonencode(local.{key}_key_policy)"))
            else:
                parts.append(self.key_block(key, tier, defect, None))
                parts.append(f'''resource "aws_kms_key_policy" "{key}" {{
  key_id = aws_kms_key.{key}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
{self.statements_hcl(defect, 6)}
    ]
  }})
}}

''')
        parts.append(f'''module "shared_key" {{
  source = "../../modules/kms-key"

  name           = "{self.name}-shared"
  environment    = var.environment
  tier           = "{self.r.choice(TIERS)}"
  administrators = var.key_administrators
}}
''')
        return "".join(parts)

    def key_ref(self, n):
        return f"aws_kms_key.{self.keys[n % len(self.keys)][0]}.arn"

    def data_tf(self):
        bucket_key = '"alias/aws/s3"' if self.aws_managed else self.key_ref(0)
        retention = self.r.choice((30, 90, 365, 731))
        return f'''resource "aws_s3_bucket" "data" {{
  bucket = "${{var.environment}}-{self.name}-data"
  tags   = local.common_tags
}}

resource "aws_s3_bucket_versioning" "data" {{
  bucket = aws_s3_bucket.data.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {{
  bucket = aws_s3_bucket.data.id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = {bucket_key}
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_public_access_block" "data" {{
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

data "aws_iam_policy_document" "bucket" {{
  statement {{
    sid       = "DenyUnencryptedUploads"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${{aws_s3_bucket.data.arn}}/*"]

    principals {{
      type        = "*"
      identifiers = ["*"]
    }}

    condition {{
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }}
  }}

  statement {{
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data.arn, "${{aws_s3_bucket.data.arn}}/*"]

    principals {{
      type        = "*"
      identifiers = ["*"]
    }}

    condition {{
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }}
  }}
}}

resource "aws_s3_bucket_policy" "data" {{
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.bucket.json
}}

resource "aws_sqs_queue" "events" {{
  name                              = "{self.name}-events"
  kms_master_key_id                 = {self.key_ref(2)}
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = {self.r.choice((86400, 345600, 1209600))}
  tags                              = local.common_tags
}}

resource "aws_sns_topic" "alerts" {{
  name              = "{self.name}-alerts"
  kms_master_key_id = {'"alias/aws/sns"' if self.aws_managed else self.key_ref(2)}
  tags              = local.common_tags
}}

resource "aws_cloudwatch_log_group" "app" {{
  name              = "/{self.team}/{self.name}"
  retention_in_days = {retention}
  kms_key_id        = {self.key_ref(1)}
  tags              = local.common_tags
}}

resource "aws_secretsmanager_secret" "db" {{
  name       = "{self.name}/${{var.environment}}/db"
  kms_key_id = {self.key_ref(3)}
  tags       = local.common_tags
}}

resource "aws_ebs_volume" "scratch" {{
  count             = var.scratch_volumes
  availability_zone = "${{var.region}}a"
  size              = {self.r.choice((20, 50, 100))}
  encrypted         = true
  kms_key_id        = {self.key_ref(4)}
  tags              = merge(local.common_tags, {{ Name = "{self.name}-scratch-${{count.index}}" }})
}}

resource "aws_iam_policy" "use_keys" {{
  name = "{self.name}-use-keys"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [{", ".join(f"aws_kms_key.{k}.arn" for k, _, _ in self.keys)}]
      }},
      {{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${{aws_s3_bucket.data.arn}}/*"
      }}
    ]
  }})
}}

resource "aws_iam_role_policy_attachment" "use_keys" {{
  role       = aws_iam_role.service.name
  policy_arn = aws_iam_policy.use_keys.arn
}}
'''

    def variables_tf(self):
        return f'''variable "environment" {{
  description = "Deployment environment."
  type        = string
  default     = "dev"

  validation {{
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }}
}}

variable "region" {{
  type    = string
  default = "{self.region}"
}}

variable "scratch_volumes" {{
  type    = number
  default = {self.r.randint(0, 3)}
}}

variable "key_administrators" {{
  description = "IAM roles that administer this service's keys."
  type        = list(string)
  default     = []
}}
'''

    def versions_tf(self):
        return f'''terraform {{
  required_version = ">= 1.5"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.{self.r.randint(30, 80)}"
    }}
  }}

  backend "s3" {{
    bucket = "terraform-state-{self.team}"
    key    = "{self.name}/terraform.tfstate"
    region = "{self.region}"
  }}
}}

provider "aws" {{
  region = var.region
}}
'''

    def outputs_tf(self):
        out = [f'''output "{key}_key_arn" {{
  value = aws_kms_key.{key}.arn
}}
''' for key, _, _ in self.keys]
        out.append('''output "bucket" {
  value = aws_s3_bucket.data.bucket
}
''')
        return "\n".join(out)

    def tfvars(self):
        env = self.r.choice(("dev", "staging", "prod"))
        admins = ", ".join(
            f'"arn:aws:iam::111122223333:role/{self.team}-admin-{n}"'
            for n in range(self.r.randint(1, 3)))
        return f'''environment        = "{env}"
region             = "{self.region}"
key_administrators = [{admins}]
'''

    def files(self):
        return {
            "versions.tf": self.versions_tf(),
            "variables.tf": self.variables_tf(),
            "kms.tf": self.kms_tf(),
            "data.tf": self.data_tf(),
            "outputs.tf": self.outputs_tf(),
            "terraform.tfvars": self.tfvars(),
        }


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="directory to write (created; existing files are overwritten)")
    parser.add_argument("--modules", type=int, default=100, help="number of service roots")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.modules < 0:
        parser.error("--modules must not be negative")
    write(os.path.join(args.out, "modules", "kms-key", "main.tf"), KEY_MODULE)
    total = len(KEY_MODULE)
    count = 1
    for i in range(args.modules):
        service = Service(args.seed, i)
        for name, text in service.files().items():
            write(os.path.join(args.out, "services", service.name, name), text)
            total += len(text)
            count += 1
    print(f"{args.out}: {count} files, {total / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
