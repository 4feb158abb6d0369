rotate = false # expect: KMS002
