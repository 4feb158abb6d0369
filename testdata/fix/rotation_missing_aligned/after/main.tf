# Keys of the application.
resource "aws_kms_key" "app" {
  # What the key is for.
  description = "application data" # shown in the console
  is_enabled  = true               # on

  deletion_window_in_days = 30
  multi_region            = false # one region
  tags = {
    team = "payments"
  }
  enable_key_rotation = true
}

resource "aws_kms_key" "short" {
  description             = "names longer than the new one"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_kms_key" "empty" {
  enable_key_rotation = true
}

resource "aws_kms_key" "blocks_only" {
  enable_key_rotation = true
  timeouts {
    create = "5m"
  }
}

resource "aws_kms_key" "commented" {
  description         = "application data" # shown in the console
  is_enabled          = true               # on
  enable_key_rotation = true
}
