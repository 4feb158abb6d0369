# AWS's default key policy: the owner's root is delegation to IAM, not counted.
resource "aws_kms_key" "default_policy" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Enable IAM User Permissions"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# Eleven distinct key users: one more than the default maximum of 10.
resource "aws_kms_key" "many_users" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid    = "Users"
        Effect = "Allow"
        Principal = {
          AWS = [
            "arn:aws:iam::111122223333:role/app-01",
            "arn:aws:iam::111122223333:role/app-02",
            "arn:aws:iam::111122223333:role/app-03",
            "arn:aws:iam::111122223333:role/app-04",
            "arn:aws:iam::111122223333:role/app-05",
            "arn:aws:iam::111122223333:role/app-06",
            "arn:aws:iam::111122223333:role/app-07",
            "arn:aws:iam::111122223333:role/app-08",
            "arn:aws:iam::111122223333:role/app-09",
            "arn:aws:iam::111122223333:role/app-10",
            "arn:aws:iam::111122223333:role/app-11", # expect: KMS004 "11 principals may use `aws_kms_key.many_users`, more than the maximum of 10"
            "arn:aws:iam::111122223333:role/app-01",
          ]
        }
        Action   = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource = "*"
      },
    ]
  })
}

# Ten users, counted across statements, plus services: clean.
resource "aws_kms_key" "ten_users" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          AWS = [
            "arn:aws:iam::111122223333:role/app-01",
            "arn:aws:iam::111122223333:role/app-02",
            "arn:aws:iam::111122223333:role/app-03",
            "arn:aws:iam::111122223333:role/app-04",
            "arn:aws:iam::111122223333:role/app-05",
          ]
          Service = ["logs.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com"]
        }
        Action   = "kms:Encrypt"
        Resource = "*"
      },
      {
        Effect = "Allow"
        Principal = {
          AWS = [
            "arn:aws:iam::111122223333:role/app-06",
            "arn:aws:iam::111122223333:role/app-07",
            "arn:aws:iam::111122223333:role/app-08",
            "arn:aws:iam::111122223333:role/app-09",
            "arn:aws:iam::111122223333:role/app-10",
            "arn:aws:iam::111122223333:role/app-01",
          ]
        }
        Action   = "kms:Decrypt"
        Resource = "*"
      },
    ]
  })
}

# Four administrators: one more than the default maximum of 3.
resource "aws_kms_key" "many_admins" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "Admins"
      Effect = "Allow"
      Principal = {
        AWS = [
          "arn:aws:iam::111122223333:role/admin-a",
          "arn:aws:iam::111122223333:role/admin-b",
          "arn:aws:iam::111122223333:user/admin-c",
          "arn:aws:iam::111122223333:role/admin-d", # expect: KMS004 "4 principals may administer"
        ]
      }
      Action   = ["kms:Describe*", "kms:Put*", "kms:ScheduleKeyDeletion"]
      Resource = "*"
    }]
  })
}

# kms:* for one role: full control to a single identity.
resource "aws_kms_key" "full_control" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Deployer"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/deployer" } # expect: KMS004 "gives `kms:*` (full control"
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# Describe-only access is neither administration nor use.
resource "aws_kms_key" "readers" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = {
        AWS = [
          "arn:aws:iam::111122223333:role/a",
          "arn:aws:iam::111122223333:role/b",
          "arn:aws:iam::111122223333:role/c",
          "arn:aws:iam::111122223333:role/d",
        ]
      }
      Action   = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:List*"]
      Resource = "*"
    }]
  })
}

# Unknown principals are not counted.
resource "aws_kms_key" "unknown" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.admin_roles }
      Action    = ["kms:Put*"]
      Resource  = "*"
    }]
  })
}
