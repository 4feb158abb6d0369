# Imported key material from the on-premises HSM.
resource "aws_kms_external_key" "hsm_import" {
  description             = "material imported from the on-premises HSM"
  key_material_base64     = var.hsm_key_material
  valid_to                = "2027-03-31T00:00:00Z"
  deletion_window_in_days = 30
}

# Audit logs: the rotation period comes from a variable (180 days by default: within the limit).
resource "aws_kms_key" "audit" {
  description             = "CloudTrail audit logs"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_days
}

# Break-glass key, created with the lockout safety check disabled.
resource "aws_kms_key" "break_glass" {
  description                        = "break-glass access"
  enable_key_rotation                = true
  rotation_period_in_days            = 1095
  bypass_policy_lockout_safety_check = true
}

# Shared with a partner account through a heredoc policy; the second statement is public.
resource "aws_kms_key" "shared" {
  description         = "data shared with the analytics partner"
  enable_key_rotation = true
  policy              = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Owner",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::482916305717:root"},
          "Action": "kms:*",
          "Resource": "*"
        },
        {
          "Sid": "Partner",
          "Effect": "Allow",
          "Principal": {"AWS": "*"},
          "Action": ["kms:Decrypt", "kms:DescribeKey"],
          "Resource": "*",
          "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
        }
      ]
    }
  EOT
}

resource "aws_sqs_queue" "events" {
  name              = "platform-events"
  kms_master_key_id = "alias/aws/sqs"
}
