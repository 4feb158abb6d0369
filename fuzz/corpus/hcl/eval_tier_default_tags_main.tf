provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      Tier = "app"
    }
  }
}

provider "aws" {
  alias  = "db"
  region = "us-east-1"
  default_tags {
    tags = {
      Tier = "db"
    }
  }
}

module "app_key" {
  source = "./modules/key"
}

resource "aws_kms_key" "database" {
  provider            = aws.db
  enable_key_rotation = true
}
