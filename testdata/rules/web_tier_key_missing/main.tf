# The only web-tier key is disabled: the tier still has no key in use.
resource "aws_kms_key" "web" {
  enable_key_rotation = true
  is_enabled          = false
  tags = {
    Tier = "web"
  }
}
