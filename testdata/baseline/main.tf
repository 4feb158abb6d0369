# Findings accepted in testdata/baseline/baseline.json, written by `kmslint --write-baseline`.

resource "aws_kms_key" "app" {
  description         = "app"
  enable_key_rotation = false
  multi_region        = true
}
