# Blocks whose expressions refer to the block itself: Terraform rejects the cycle; kmslint
# reports it, treats the value as unknown, and still checks what it can.
resource "aws_kms_key" "a" {
  for_each            = aws_kms_key.b # expect: input-error "`for_each` of `aws_kms_key.a` refers to itself: aws_kms_key.a → aws_kms_key.b → aws_kms_key.a"
  enable_key_rotation = false # expect: KMS002
}

resource "aws_kms_key" "b" {
  count               = length(aws_kms_key.a) # expect: input-error "`count` of `aws_kms_key.b` refers to itself: aws_kms_key.b → aws_kms_key.a → aws_kms_key.b"
  enable_key_rotation = true
}

# A lookup whose name is its own result.
data "aws_kms_alias" "s3" {
  name = data.aws_kms_alias.s3.name # expect: input-error "`name` of `data.aws_kms_alias.s3` refers to itself: data.aws_kms_alias.s3 → data.aws_kms_alias.s3"
}

resource "aws_sqs_queue" "q" {
  kms_master_key_id = data.aws_kms_alias.s3.arn
}
