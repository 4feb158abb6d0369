# Rows of the table beyond the first ones: each falls back to a key the account does not control
# when encryption is on without a key ("" is no key for the provider), or names one.

resource "aws_rds_cluster_instance" "pi_unset" {
  performance_insights_enabled = true # expect: KMS011 "`aws_rds_cluster_instance.pi_unset` turns on KMS encryption without `performance_insights_kms_key_id`, so it uses the AWS-managed key (aws/rds)"
}

resource "aws_rds_cluster_instance" "pi_empty" {
  performance_insights_enabled    = true # expect: KMS011 "without `performance_insights_kms_key_id`"
  performance_insights_kms_key_id = ""
}

resource "aws_rds_cluster_instance" "pi_alias" {
  performance_insights_enabled    = true
  performance_insights_kms_key_id = "alias/aws/rds" # expect: KMS011 "encrypts with the AWS-managed key `alias/aws/rds`"
}

# Performance Insights off: no key is used.
resource "aws_rds_cluster_instance" "pi_off" {
  performance_insights_enabled = false
}

resource "aws_db_instance" "storage_empty" {
  storage_encrypted = true # expect: KMS011 "`aws_db_instance.storage_empty` turns on KMS encryption without `kms_key_id`"
  kms_key_id        = ""
}

resource "aws_instance" "root" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true # expect: KMS011 "`aws_instance.root` turns on KMS encryption without `kms_key_id`, so it uses the AWS-managed key (aws/ebs)"
  }
  ebs_block_device {
    device_name = "/dev/sdb"
    encrypted   = true
    kms_key_id  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}

resource "aws_launch_template" "lt" {
  name = "lt"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = "true" # expect: KMS011 "`aws_launch_template.lt` turns on KMS encryption without `kms_key_id`"
    }
  }
}

resource "aws_launch_configuration" "lc" {
  image_id      = "ami-123"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true # expect: KMS011 "`aws_launch_configuration` cannot name a key"
  }
}

resource "aws_msk_cluster" "bare" { # expect: KMS011 "`aws_msk_cluster.bare` names no key in `encryption_info.encryption_at_rest_kms_key_arn`, so it encrypts with the AWS-managed key (aws/kafka)"
  cluster_name           = "bare"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3
}

# encryption_info made by a dynamic block: what it holds is not known here.
resource "aws_msk_cluster" "dynamic" {
  cluster_name           = "dynamic"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3
  dynamic "encryption_info" {
    for_each = var.encryption
    content {
      encryption_at_rest_kms_key_arn = encryption_info.value
    }
  }
}

variable "encryption" {
  type = list(string)
}

resource "aws_dynamodb_table" "global" {
  name     = "global"
  hash_key = "id"
  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
  replica {
    region_name = "us-west-2"
    kms_key_arn = "arn:aws:kms:us-west-2:111122223333:alias/aws/dynamodb" # expect: KMS011 "`aws_dynamodb_table.global` encrypts with the AWS-managed key"
  }
}

resource "aws_s3_object" "o" {
  bucket                 = "b"
  key                    = "k"
  server_side_encryption = "aws:kms" # expect: KMS011 "`aws_s3_object.o` turns on KMS encryption without `kms_key_id`, so it uses the AWS-managed key (aws/s3)"
}

resource "aws_fsx_windows_file_system" "win" { # expect: KMS011 "`aws_fsx_windows_file_system.win` names no key in `kms_key_id`, so it encrypts with the AWS-managed key (aws/fsx)"
  storage_capacity    = 32
  throughput_capacity = 8
  subnet_ids          = ["subnet-1"]
}

# A scratch Lustre file system does not use a KMS key of the account.
resource "aws_fsx_lustre_file_system" "scratch" {
  storage_capacity = 1200
  subnet_ids       = ["subnet-1"]
}

resource "aws_fsx_lustre_file_system" "persistent" {
  storage_capacity = 1200
  subnet_ids       = ["subnet-1"]
  deployment_type  = "PERSISTENT_2" # expect: KMS011 "without `kms_key_id`, so it uses the AWS-managed key (aws/fsx)"
}

resource "aws_dms_replication_instance" "dms" { # expect: KMS011 "aws/dms"
  replication_instance_id    = "dms"
  replication_instance_class = "dms.t3.micro"
}

resource "aws_athena_workgroup" "wg" {
  name = "wg"
  configuration {
    result_configuration {
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/s3" # expect: KMS011 "`aws_athena_workgroup.wg` encrypts with the AWS-managed key"
      }
    }
  }
}

# ElastiCache without a key uses its own service-owned default key: there is no aws/elasticache.
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  at_rest_encryption_enabled = true # expect: KMS011 "so it uses a key the service owns, outside the account"
}

# Asks for a customer-managed key without naming it: AWS rejects this, nothing falls back.
resource "aws_kinesis_firehose_delivery_stream" "cmk_without_arn" {
  name        = "s"
  destination = "extended_s3"
  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
  }
}

# The default key type is an AWS-owned key.
resource "aws_kinesis_firehose_delivery_stream" "owned" {
  name        = "o"
  destination = "extended_s3"
  server_side_encryption {
    enabled = true # expect: KMS011 "`aws_kinesis_firehose_delivery_stream.owned` turns on KMS encryption without `key_arn`, so it uses a key the service owns"
  }
}
