resource "aws_kms_key" "data" {
  enable_key_rotation = true
}

# An explicit AWS-managed alias.
resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = "alias/aws/sqs" # expect: KMS011 "`aws_sqs_queue.orders` encrypts with the AWS-managed key `alias/aws/sqs`"
}

# A customer-managed key: clean.
resource "aws_sqs_queue" "payments" {
  name              = "payments"
  kms_master_key_id = aws_kms_key.data.arn
}

# SQS-managed SSE, not KMS: not this rule's business.
resource "aws_sqs_queue" "plain" {
  name                    = "plain"
  sqs_managed_sse_enabled = true
}

# S3 with aws:kms and no key: the service uses aws/s3.
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = "logs"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms" # expect: KMS011 "turns on KMS encryption without `kms_master_key_id`, so it uses the AWS-managed key (aws/s3)"
    }
  }
}

# S3 with a customer-managed key ARN: clean.
resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = "data"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}

# S3 with SSE-S3 (AES256): no KMS at all, not this rule's business.
resource "aws_s3_bucket_server_side_encryption_configuration" "aes" {
  bucket = "aes"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# The inline form of the S3 bucket.
resource "aws_s3_bucket" "legacy" {
  bucket = "legacy"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3" # expect: KMS011
      }
    }
  }
}

# Looked up through a data source by an AWS-managed alias.
data "aws_kms_alias" "ebs" {
  name = "alias/aws/ebs" # expect: KMS011 "`aws_ebs_volume.disk` encrypts with the AWS-managed key `alias/aws/ebs`"
}

resource "aws_ebs_volume" "disk" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = data.aws_kms_alias.ebs.target_key_arn
}

# Encrypted without a key.
resource "aws_db_instance" "db" {
  instance_class               = "db.t3.micro"
  storage_encrypted            = true # expect: KMS011 "without `kms_key_id`, so it uses the AWS-managed key (aws/rds)"
  performance_insights_enabled = true # expect: KMS011 "without `performance_insights_kms_key_id`"
}

# Unencrypted: not this rule's business.
resource "aws_ebs_volume" "plain" {
  availability_zone = "us-east-1a"
  size              = 10
}

# Always encrypted: without a key, the AWS-managed one.
resource "aws_secretsmanager_secret" "api" { # expect: KMS011 "aws/secretsmanager"
  name = "api"
}

resource "aws_secretsmanager_secret" "db" {
  name       = "db"
  kms_key_id = aws_kms_key.data.key_id
}

resource "aws_ssm_parameter" "token" {
  name  = "token"
  type  = "SecureString" # expect: KMS011 "aws/ssm"
  value = "x"
}

resource "aws_ssm_parameter" "plain" {
  name  = "plain"
  type  = "String"
  value = "x"
}

# Unknown: nothing reported.
resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = var.sns_key
}

resource "aws_ebs_volume" "maybe" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = var.encrypted
}
