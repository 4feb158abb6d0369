module "a" {
  count  = 10 # expect: input-error "more than 50 module and resource instances"
  source = "../m3"
}
