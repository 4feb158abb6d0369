# Terraform rejects a module that declares one address twice ("Duplicate resource
# configuration"); kmslint reports it instead of letting the last block win silently.
resource "aws_kms_key" "k" { # expect: input-error "is already declared at keys.tf:2; Terraform rejects the module"
  enable_key_rotation = true
}

resource "aws_kms_key" "other" {
  enable_key_rotation = true
}

data "aws_kms_alias" "a" { # expect: input-error "duplicate data source configuration"
  name = "alias/a"
}

# A data source and a resource may share type and name.
resource "aws_kms_alias" "a" {
  name          = "alias/a"
  target_key_id = aws_kms_key.k.key_id
}
