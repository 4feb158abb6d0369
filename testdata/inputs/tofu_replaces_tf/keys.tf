# No keys.tofu beside this file: it is read.
resource "aws_kms_key" "logs" {
  enable_key_rotation = false # expect: KMS002 "`aws_kms_key.logs`"
}
