variable "rotate" {
  type    = bool
  default = false # expect: KMS002 "`aws_kms_key.app`"
}
