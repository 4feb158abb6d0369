variable "rotate" {
  description = "Rotate the key material every year"
  type        = bool
  default     = false
}
