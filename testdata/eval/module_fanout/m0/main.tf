module "a" {
  count  = 10
  source = "../m1"
}
