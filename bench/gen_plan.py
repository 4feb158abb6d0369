#!/usr/bin/env python3
"""bench/gen_plan.py OUT.json SIZE_MB [--full] [--indent N] -- writes a `terraform show -json`-shaped
plan of about SIZE_MB megabytes: mostly resources kmslint does not read (S3 buckets), one KMS key
with a policy every 500 resources, and a deleted key every 5,000.

Without options the plan holds only `resource_changes`, on one line. `--full` also writes the other
sections a real plan carries for every resource (`planned_values`, `prior_state`, `configuration`
with its expressions, `relevant_attributes`), so resource changes are about a third of the file.
`--indent N` pretty-prints it (as `jq .` or an editor would), one value per line. `--key-every N`
makes every Nth resource a KMS key (default 500), for plans that are mostly keys."""
import json
import sys

args = sys.argv[1:]
full = "--full" in args
indent = None
if "--indent" in args:
    indent = int(args[args.index("--indent") + 1])
    del args[args.index("--indent"):args.index("--indent") + 2]
key_every = 500
if "--key-every" in args:
    key_every = int(args[args.index("--key-every") + 1])
    del args[args.index("--key-every"):args.index("--key-every") + 2]
args = [a for a in args if a != "--full"]
out, size_mb = args[0], float(args[1])
sep = (",", ":") if indent is None else (",", ": ")

policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]},
    separators=(",", ":"))
key = {"bypass_policy_lockout_safety_check": False, "custom_key_store_id": None,
       "customer_master_key_spec": "SYMMETRIC_DEFAULT", "deletion_window_in_days": 30,
       "enable_key_rotation": True, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
       "policy": policy, "tags": {"Team": "payments"}}
bucket = {"bucket": "example", "force_destroy": False, "tags": {"Name": "x" * 40},
          "grant": [{"id": "abc", "permissions": ["READ"], "type": "CanonicalUser", "uri": ""}] * 3}


def kind(i):
    if i % 5000 == 4999:
        return "aws_kms_key", f"old{i}", key
    if i % key_every == 0:
        return "aws_kms_key", f"k{i}", key
    return "aws_s3_bucket", f"b{i}", bucket


def change(i):
    ty, name, values = kind(i)
    address = f"{ty}.{name}"
    if i % 5000 == 4999:
        body = {"actions": ["delete"], "before": values, "after": None, "after_unknown": {},
                "before_sensitive": {}, "after_sensitive": False}
    else:
        body = {"actions": ["create"], "before": None, "after": values,
                "after_unknown": {"arn": True, "id": True}, "before_sensitive": False,
                "after_sensitive": {"tags": {}}}
    return {"address": address, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "change": body}


def state(i):
    ty, name, values = kind(i)
    return {"address": f"{ty}.{name}", "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": dict(values, arn=f"arn:aws:s3:::{name}", id=name), "sensitive_values": {"tags": {}}}


def config(i):
    ty, name, values = kind(i)
    return {"address": f"{ty}.{name}", "mode": "managed", "type": ty, "name": name,
            "provider_config_key": "aws", "schema_version": 0,
            "expressions": {k: {"constant_value": v} for k, v in values.items()}}


def dump(v):
    text = json.dumps(v, separators=sep, indent=indent)
    # Nested one level down in the document.
    return text.replace("\n", "\n" + " " * (2 * (indent or 0))) if indent else text


sections = [("resource_changes", change)]
if full:
    sections = [("planned_values", state), ("resource_changes", change), ("prior_state", state),
                ("configuration", config)]
per = sum(len(dump(f(1))) + 1 for _, f in sections)
count = max(1, int(size_mb * 1e6 / per))
nl = "\n" if indent else ""
with open(out, "w") as f:
    f.write('{' + nl + '"format_version":"1.2",' + nl + '"terraform_version":"1.11.4",' + nl)
    for n, (section, make) in enumerate(sections):
        head = {"planned_values": '"planned_values":{"root_module":{"resources":[',
                "prior_state": '"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[',
                "configuration": '"configuration":{"root_module":{"resources":[',
                "resource_changes": '"resource_changes":['}[section]
        tail = {"planned_values": "]}}", "prior_state": "]}}}", "configuration": "]}}",
                "resource_changes": "]"}[section]
        f.write(head + nl)
        for i in range(count):
            f.write(("," + nl if i else "") + dump(make(i)))
        f.write(nl + tail + ("," if n + 1 < len(sections) else "") + nl)
    f.write("}\n")
print(f"{count} resources, {len(sections)} sections")
