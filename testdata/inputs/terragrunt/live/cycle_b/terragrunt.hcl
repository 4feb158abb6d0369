include {
  path = "../cycle_a/terragrunt.hcl"
}

inputs = {
  window = 30
}
