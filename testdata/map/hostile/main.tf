# Strings that try to break out of a Markdown table, a Mermaid label, a code fence and HTML.
resource "aws_kms_key" "k" {
  for_each = toset(["a\u001b[2J|`<b>\"]x", "b\n::error::x", "c```\n# head"])
  policy = jsonencode({
    Statement = [{
      Sid       = "S\u202e|]<script>"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/x\"]; click n1 call evil()" }
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = { StringEquals = { "kms:ViaService" = "x|y`z</td>" } }
    }]
  })
}
