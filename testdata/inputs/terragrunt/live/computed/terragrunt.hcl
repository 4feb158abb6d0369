terraform {
  source = "${get_parent_terragrunt_dir()}/modules/kms" # expect: input-error "the module source is not known"
}
