# Both blocks are still read: no finding is lost while the module is fixed.
resource "aws_kms_key" "k" {
  enable_key_rotation     = false # expect: KMS002
  deletion_window_in_days = 31    # expect: KMS020
}

data "aws_kms_alias" "a" {
  name = "alias/b"
}
