rotate       = true
audit_period = "730" # expect: KMS002 "every 730 days"
