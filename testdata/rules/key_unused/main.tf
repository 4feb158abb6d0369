resource "aws_kms_key" "left_over" { # expect: KMS021 "`aws_kms_key.left_over` is not used"
  description         = "nothing refers to this key"
  enable_key_rotation = true
}

# Configuring a key is not using it: a key policy and an alias nothing uses.
resource "aws_kms_key" "configured_only" { # expect: KMS021
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "configured_only" {
  key_id = aws_kms_key.configured_only.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_kms_alias" "configured_only" {
  name          = "alias/configured-only"
  target_key_id = aws_kms_key.configured_only.key_id
}

# A `depends_on` orders; it does not use.
resource "aws_sqs_queue" "ordered" {
  name       = "ordered"
  depends_on = [aws_kms_key.ordered_only]
}

resource "aws_kms_key" "ordered_only" { # expect: KMS021
  enable_key_rotation = true
}

resource "aws_kms_key" "bucket" {
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  bucket = "reports"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.bucket.arn
    }
  }
}

# Used through an alias: by reference, and by its name written in a string.
resource "aws_kms_key" "queue" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "queue" {
  name          = "alias/queue"
  target_key_id = aws_kms_key.queue.key_id
}

resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = aws_kms_alias.queue.arn
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "logs" {
  name          = "alias/logs"
  target_key_id = aws_kms_key.logs.key_id
}

resource "aws_cloudwatch_log_group" "app" {
  name       = "app"
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/logs"
}

# A longer name that starts the same is another alias.
resource "aws_kms_key" "log" { # expect: KMS021
  enable_key_rotation = true
}

resource "aws_kms_alias" "log" {
  name          = "alias/log"
  target_key_id = aws_kms_key.log.key_id
}

# A grant uses the key; so does an IAM policy naming it, through a policy document and a local.
resource "aws_kms_key" "granted" {
  enable_key_rotation = true
}

resource "aws_kms_grant" "worker" {
  key_id            = aws_kms_key.granted.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/worker"
  operations        = ["Decrypt"]
}

resource "aws_kms_key" "documented" {
  enable_key_rotation = true
}

data "aws_iam_policy_document" "use" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = [local.documented_arn]
  }
}

locals {
  documented_arn = aws_kms_key.documented.arn
}

resource "aws_iam_policy" "use" {
  name   = "use"
  policy = data.aws_iam_policy_document.use.json
}

# An instance the scan cannot pick (`var.tenant`) may be any of them.
resource "aws_kms_key" "tenant" {
  for_each            = toset(["a", "b"])
  enable_key_rotation = true
}

resource "aws_dynamodb_table" "tenant" {
  name     = "tenant"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.tenant[var.tenant].arn
  }
}

variable "tenant" {
  type = string
}

# A root module's output is what its user reads.
resource "aws_kms_key" "exported" {
  enable_key_rotation = true
}

output "exported_key_arn" {
  value = aws_kms_key.exported.arn
}

# A replica uses its primary; nothing uses the replica.
resource "aws_kms_key" "primary" {
  multi_region        = true
  enable_key_rotation = true
}

resource "aws_kms_replica_key" "replica" { # expect: KMS021
  primary_key_arn = aws_kms_key.primary.arn
}

# A resource kmslint knows nothing of names the key by its alias.
resource "aws_kms_key" "pipeline" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "pipeline" {
  name          = "alias/pipeline"
  target_key_id = aws_kms_key.pipeline.key_id
}

resource "aws_codepipeline_custom_thing" "p" {
  name          = "p"
  encryption_id = "alias/pipeline"
}
