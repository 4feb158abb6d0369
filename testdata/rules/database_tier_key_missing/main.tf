resource "aws_kms_key" "app" {
  enable_key_rotation = true
  tags = {
    Tier = "database"
  }
}
