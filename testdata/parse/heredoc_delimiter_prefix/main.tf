# A heredoc line that only starts with the delimiter (`EOF"`) is content: only a line that is
# exactly the delimiter ends the heredoc.
locals {
  user_data = <<EOF
#!/bin/bash
su - oracle -c "sqlplus / as sysdba << EOF
startup;
EOF"
echo done
EOF
}

resource "aws_kms_key" "k" {
  description         = local.user_data
  enable_key_rotation = false # expect: KMS002
}
