variable "rotate" {
  type    = bool
  default = false
}

variable "audit_period" {
  type    = number
  default = 365
}
