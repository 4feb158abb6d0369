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
}

resource "aws_kms_key" "short" {
  description             = "names longer than the new one"
  deletion_window_in_days = 30
}

resource "aws_kms_key" "empty" {}

resource "aws_kms_key" "blocks_only" {
  timeouts {
    create = "5m"
  }
}

resource "aws_kms_key" "commented" {
  description = "application data" # shown in the console
  is_enabled  = true               # on
}
