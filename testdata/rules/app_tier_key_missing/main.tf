# The value differs in case: AWS tags are case-sensitive, so this is not the app tier's key.
resource "aws_kms_key" "wrong_case" {
  enable_key_rotation = true
  tags = {
    Tier = "App"
  }
}

# Another tier's key.
resource "aws_kms_key" "web" {
  enable_key_rotation = true
  tags = {
    Tier = "web"
  }
}
