# Grants link to the key instance they name; the key policy of that instance says who owns it.
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "tenant" {
  for_each            = toset(["a", "b"])
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = each.key == "a" ? "arn:aws:iam::111122223333:root" : "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# The owner of tenant["a"] is 111122223333: its own role is fine, another account is not.
resource "aws_kms_grant" "own" {
  name              = "own"
  key_id            = aws_kms_key.tenant["a"].key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app"
  operations        = ["Decrypt"]
  constraints {
    encryption_context_equals = { tenant = "a" }
  }
}

resource "aws_kms_grant" "foreign" {
  name              = "foreign"
  key_id            = aws_kms_key.tenant["a"].arn
  grantee_principal = "arn:aws:iam::444455556666:role/app" # expect: KMS016 "neither the owner nor trusted"
  operations        = ["Decrypt"]
  constraints {
    encryption_context_equals = { tenant = "a" }
  }
}

# tenant["b"] is owned by the deploying account only: a written account number is another one.
resource "aws_kms_grant" "beside_caller" {
  for_each          = aws_kms_key.tenant
  name              = "beside-caller-${each.key}"
  key_id            = each.value.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/app" # expect: KMS016 "if this code deploys into 111122223333, list it in `accounts`"
  operations        = ["Decrypt"]
  constraints {
    encryption_context_equals = { tenant = each.key }
  }
}
