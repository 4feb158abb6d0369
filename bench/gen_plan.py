#!/usr/bin/env python3
"""bench/gen_plan.py OUT.json SIZE_MB -- writes a one-line `terraform show -json`-shaped plan of
about SIZE_MB megabytes: mostly resources kmslint does not read (S3 buckets, security groups),
one KMS key with a policy every 500 resources, and a deleted key every 5,000."""
import json
import sys

out, size_mb = sys.argv[1], float(sys.argv[2])
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]},
    separators=(",", ":"))
key = {"bypass_policy_lockout_safety_check": False, "custom_key_store_id": None,
       "customer_master_key_spec": "SYMMETRIC_DEFAULT", "deletion_window_in_days": 30,
       "enable_key_rotation": True, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
       "policy": policy, "tags": {"Team": "payments"}}
bucket = {"bucket": "example", "force_destroy": False, "tags": {"Name": "x" * 40},
          "grant": [{"id": "abc", "permissions": ["READ"], "type": "CanonicalUser", "uri": ""}] * 3}

def change(i):
    if i % 5000 == 4999:
        return {"address": f"aws_kms_key.old{i}", "mode": "managed", "type": "aws_kms_key",
                "name": f"old{i}", "change": {"actions": ["delete"], "before": key, "after": None,
                "after_unknown": {}, "before_sensitive": {}, "after_sensitive": False}}
    if i % 500 == 0:
        return {"address": f"aws_kms_key.k{i}", "mode": "managed", "type": "aws_kms_key",
                "name": f"k{i}", "change": {"actions": ["create"], "before": None, "after": key,
                "after_unknown": {"arn": True, "id": True, "key_id": True},
                "before_sensitive": False, "after_sensitive": {"tags": {}}}}
    return {"address": f"aws_s3_bucket.b{i}", "mode": "managed", "type": "aws_s3_bucket",
            "name": f"b{i}", "change": {"actions": ["create"], "before": None, "after": bucket,
            "after_unknown": {"arn": True, "id": True}, "before_sensitive": False,
            "after_sensitive": {"tags": {}}}}

target = int(size_mb * 1e6)
with open(out, "w") as f:
    f.write('{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},"resource_changes":[')
    written, i = 0, 0
    while written < target:
        text = ("," if i else "") + json.dumps(change(i), separators=(",", ":"))
        f.write(text)
        written += len(text)
        i += 1
    f.write("]}")
print(f"{i} resource changes")
