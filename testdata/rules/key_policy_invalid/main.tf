# A trailing comma in heredoc JSON: reported at the comma.
resource "aws_kms_key" "trailing_comma" {
  enable_key_rotation = true
  # expect(+9): KMS018 "trailing comma"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": "kms:*",
          "Resource": "*",
        }
      ]
    }
  EOT
}

# Valid JSON, but not a policy.
resource "aws_kms_key" "no_statement" {
  enable_key_rotation = true
  policy = jsonencode({ # expect: KMS018 "no `Statement`"
    Version = "2012-10-17"
  })
}

resource "aws_kms_key" "bad_effect" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Permit" # expect: KMS018 "unknown `Effect`"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "bad_principal" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = ["arn:aws:iam::111122223333:root"] # expect: KMS018 "`Principal` must be"
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "misspelled_element" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Actions   = "kms:*" # expect: KMS018 "unknown statement element `Actions`"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "valid" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "unknown" {
  enable_key_rotation = true
  policy              = var.policy
}

resource "aws_kms_key_policy" "broken" {
  key_id = aws_kms_key.valid.id
  policy = "{\"Version\": \"2012-10-17\" \"Statement\": []}" # expect: KMS018
}

# "" is no policy (KMS012), not an invalid one.
resource "aws_kms_key" "empty_string" {
  enable_key_rotation = true
  policy              = ""
}

resource "aws_kms_key" "whitespace" {
  enable_key_rotation = true
  policy              = " " # expect: KMS018
}
