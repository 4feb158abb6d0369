variable "hsm_key_material" {
  description = "Base64-encoded key material exported from the HSM"
  type        = string
  sensitive   = true
}

variable "rotation_period_days" {
  type    = number
  default = 180
}
