# A key repeated in one object of a key policy's JSON: AWS documents no rule for which value it
# uses, and the earlier one may be a public "*". Reported at the repeated key.
resource "aws_kms_key" "dup_principal" {
  enable_key_rotation = true
  # expect(+7): KMS018 "duplicate key `Principal` in one object"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": "*",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "kms:*",
        "Resource": "*"
      }]
    }
  EOT
}

resource "aws_kms_key" "dup_statement" {
  enable_key_rotation = true
  # expect(+1): KMS018 "duplicate key `Statement`"
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}],\"Statement\":[]}"
}

# The same key written with an escape is the same key.
resource "aws_kms_key" "dup_effect_escaped" {
  enable_key_rotation = true
  # expect(+6): KMS018 "duplicate key `Effect`"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "\u0045ffect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "kms:*",
        "Resource": "*"
      }]
    }
  EOT
}

# Inside a condition block too.
resource "aws_kms_key" "dup_condition_key" {
  enable_key_rotation = true
  # expect(+11): KMS018 "duplicate key `kms:CallerAccount`"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {
          "kms:CallerAccount": "111122223333",
          "kms:CallerAccount": "444455556666"
        }}
      }]
    }
  EOT
}

# Not duplicates: the same key in two statements, in nested objects, or differing in case.
resource "aws_kms_key" "same_key_elsewhere" {
  enable_key_rotation = true
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}, "StringLike": {"kms:ViaService": "*.amazonaws.com"}}}
      ]
    }
  EOT
}

# Through templatefile: located in the template.
# expect@dup.json.tpl:5: KMS018 "duplicate key `AWS`"
resource "aws_kms_key" "dup_in_template" {
  enable_key_rotation = true
  policy              = templatefile("${path.module}/dup.json.tpl", { account = "111122223333" })
}
