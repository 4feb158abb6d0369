{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Owner",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${owner}:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "Partner",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${account}:root"},
      "Action": "kms:Decrypt",
      "Resource": "*"
    },
    {
      "Sid": "Everyone",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "kms:DescribeKey",
      "Resource": "*"
    }
  ]
}
