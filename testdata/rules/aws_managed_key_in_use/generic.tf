# Resources the table does not know still name AWS-managed keys in their attributes; any
# attribute whose known value is an `alias/aws/*` name or its ARN (any partition) is reported.

variable "backup_key" {
  default = "arn:aws-cn:kms:cn-north-1:111122223333:alias/aws/backup" # expect: KMS011 "`aws_some_future_service.x` names the AWS-managed key `arn:aws-cn:kms:cn-north-1:111122223333:alias/aws/backup` in `settings.key`"
}

resource "aws_some_future_service" "x" {
  name = "x"
  settings {
    key = var.backup_key
  }
}

resource "aws_sfn_state_machine" "flow" {
  name = "flow"
  encryption_configuration {
    type       = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id = "alias/aws/states" # expect: KMS011 "`aws_sfn_state_machine.flow` names the AWS-managed key `alias/aws/states` in `encryption_configuration.kms_key_id`"
  }
}

# In a list.
resource "aws_thing" "listed" {
  key_ids = ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/aws/thing"] # expect: KMS011 "in `key_ids`"
}

# Traps: text that mentions an AWS-managed key without being one, policies that grant use of
# one, tags, and IAM and KMS resources (they manage or grant keys, they do not encrypt).
resource "aws_thing" "mentions" {
  description = "encrypted with alias/aws/s3 by default"
  note        = "see arn:aws:kms:us-east-1:111122223333:alias/aws/s3 for details"
  other       = "xalias/aws/s3"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3" }]
  })
  tags = {
    key = "alias/aws/s3"
  }
}

resource "aws_iam_role_policy" "use_managed" {
  role = "r"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:alias/aws/ssm" }]
  })
}

resource "aws_iam_policy" "heredoc" {
  policy = <<EOT
{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111122223333:alias/aws/ssm"}]}
EOT
}

# A value the scan cannot know is not reported.
variable "unknown_key" {}

resource "aws_thing" "unknown" {
  kms_key = var.unknown_key
}

# A module the scan cannot read (not downloaded): its inputs are reported.
module "remote_db" {
  source     = "terraform-aws-modules/rds/aws"
  kms_key_id = "alias/aws/rds" # expect: KMS011 "`module.remote_db` is given the AWS-managed key `alias/aws/rds` as `kms_key_id`"
  name       = "db"
}

# Not called at all.
module "remote_none" {
  source     = "terraform-aws-modules/rds/aws"
  count      = 0
  kms_key_id = "alias/aws/rds"
}

# A module the scan reads: its resources are judged, not the call.
module "local_queue" {
  source = "./queue"
  key    = "alias/aws/sqs" # expect: KMS011 "`module.local_queue.aws_sqs_queue.q` encrypts with the AWS-managed key `alias/aws/sqs`"
}

# Blocks that `dynamic` makes are read as the blocks they stand for, one per element.
resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic" {
  bucket = "d"
  dynamic "rule" {
    for_each = ["one"]
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "alias/aws/s3" # expect: KMS011 "`aws_s3_bucket_server_side_encryption_configuration.dynamic` encrypts with the AWS-managed key `alias/aws/s3`"
      }
    }
  }
}

# The iterator (named, or the label) is bound to each element.
resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_iterator" {
  bucket = "i"
  rule {
    dynamic "apply_server_side_encryption_by_default" {
      for_each = [{ algorithm = "aws:kms" }] # expect: KMS011 "`aws_s3_bucket_server_side_encryption_configuration.dynamic_iterator` turns on KMS encryption without `kms_master_key_id`"
      iterator = sse
      content {
        sse_algorithm = sse.value.algorithm
      }
    }
  }
}

# A key from the element itself.
resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_value" {
  bucket = "v"
  dynamic "rule" {
    for_each = { main = "alias/aws/s3" } # expect: KMS011 "`aws_s3_bucket_server_side_encryption_configuration.dynamic_value` encrypts with the AWS-managed key `alias/aws/s3`"
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = rule.value
      }
    }
  }
}

variable "rules" {
  type = list(object({ algorithm = string }))
}

# `for_each` not known: a named key is still read; falling back to the AWS-managed key is not
# reported, as no block may be made.
resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_unknown" {
  bucket = "u"
  dynamic "rule" {
    for_each = var.rules
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = rule.value.algorithm
      }
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_unknown_named" {
  bucket = "n"
  dynamic "rule" {
    for_each = var.rules
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "alias/aws/s3" # expect: KMS011 "`aws_s3_bucket_server_side_encryption_configuration.dynamic_unknown_named` encrypts with the AWS-managed key `alias/aws/s3`"
      }
    }
  }
}

# No element, no block: nothing is encrypted with a key here.
resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_empty" {
  bucket = "e"
  dynamic "rule" {
    for_each = []
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}
