# A broken auto-loaded variable file is an input error: Terraform stops at it. The values of the
# other files still apply (terraform.tfvars turns rotation off).
# expect@b.auto.tfvars.json:2:13: input-error "invalid JSON"
variable "rotate" {
  type    = bool
  default = true
}

resource "aws_kms_key" "app" {
  enable_key_rotation = var.rotate
}
