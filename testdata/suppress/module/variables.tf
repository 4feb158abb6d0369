variable "rotate" {
  type    = bool
  default = false
}
