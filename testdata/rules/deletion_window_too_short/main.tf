resource "aws_kms_key" "week" {
  enable_key_rotation     = true
  deletion_window_in_days = 7 # expect: KMS014 "7 days after it is scheduled for deletion, less than the minimum of 30"
}

resource "aws_kms_key" "almost" {
  enable_key_rotation     = true
  deletion_window_in_days = 29 # expect: KMS014
}

resource "aws_kms_key" "month" {
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

# Absent: the 30-day default applies.
resource "aws_kms_key" "default" {
  enable_key_rotation = true
}

resource "aws_kms_key" "from_variable" {
  enable_key_rotation     = true
  deletion_window_in_days = var.window
}

resource "aws_kms_key" "string" {
  enable_key_rotation     = true
  deletion_window_in_days = "10" # expect: KMS014
}

# Outside what AWS accepts: KMS020 reports it, not this rule.
resource "aws_kms_key" "invalid" {
  enable_key_rotation     = true
  deletion_window_in_days = 3
}

resource "aws_kms_external_key" "short" {
  deletion_window_in_days = 7 # expect: KMS014
}

resource "aws_kms_replica_key" "short" {
  primary_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  deletion_window_in_days = 7 # expect: KMS014
}
