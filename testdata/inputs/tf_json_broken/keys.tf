# The other files of the module are still analysed.
resource "aws_kms_key" "b" {
  enable_key_rotation = false # expect: KMS002
}
