variable "key" {}

resource "aws_sqs_queue" "q" {
  name              = "q"
  kms_master_key_id = var.key
}
