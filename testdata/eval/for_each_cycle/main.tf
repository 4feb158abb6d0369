# Each key expands over the other: Terraform rejects the cycle; kmslint reports it and treats
# the instances as unknown, and still checks what it can.
resource "aws_kms_key" "a" {
  for_each            = aws_kms_key.b # expect: input-error "`for_each` of `aws_kms_key.a` refers to itself: aws_kms_key.a → aws_kms_key.b → aws_kms_key.a"
  enable_key_rotation = false # expect: KMS002
}

resource "aws_kms_key" "b" {
  count               = length(aws_kms_key.a) # expect: input-error "`count` of `aws_kms_key.b` refers to itself: aws_kms_key.b → aws_kms_key.a → aws_kms_key.b"
  enable_key_rotation = true
}
