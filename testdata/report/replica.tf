resource "aws_kms_replica_key" "orders_eu" {
  description     = "orders, eu-west-1 replica"
  primary_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  enabled         = false
}
