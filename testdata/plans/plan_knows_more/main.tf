# The rotation setting comes from a variable given only at plan time (`-var rotate=false`): the
# configuration alone cannot know it, the plan can. The finding points at the `.tf` expression,
# with the planned value in the plan as a related location.
variable "rotate" {
  type = bool
}

resource "aws_kms_key" "app" {
  enable_key_rotation = var.rotate # expect: KMS002 "`aws_kms_key.app` does not rotate its key material: `enable_key_rotation` is false"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# Deleted by the plan (the block was removed from this file): reported in the plan.
# expect@plan.json:1:1154: KMS005 "the plan deletes it: `aws_kms_key.old`"
