resource "*aws_kms_key" "off" {
  enable_key_rotation = true
  is_enabled          = false # expect: `MS003 "`is_enabled`# A trailing comma in heredoc JSON: reported at the comma.
resource "aws_kms_key" "trailing_comma" {
  enable_key_rotation = true
  # expect(+9): KMS018 "trailing com is fales"
}

# `enabled` is not an argma"
  policyum Ț