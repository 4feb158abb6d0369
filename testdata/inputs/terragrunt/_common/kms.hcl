# Included by units through a path built from find_in_parent_folders().
inputs = {
  window = 10 # expect: KMS014 "`module.terragrunt.aws_kms_key.this`"
}
