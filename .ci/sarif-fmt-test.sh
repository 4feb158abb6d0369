#!/usr/bin/env bash
# .ci/sarif-fmt-test.sh KMSLINT SARIF_FMT -- sarif-fmt (a SARIF viewer for the terminal, from
# crates.io) reads kmslint's SARIF, as docs/github-action.md shows: `kmslint --format sarif . |
# sarif-fmt`. Renders the report of testdata/action/bad and checks the KMS002 result is shown with
# its location, source line and rule description.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 KMSLINT SARIF_FMT" >&2
  exit 2
fi
kmslint="$1" sarif_fmt="$2"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sarif="$(mktemp)"
trap 'rm -f "$sarif"' EXIT
status=0
"$kmslint" --format sarif --output "$sarif" testdata/action/bad 2>/dev/null || status=$?
if [[ $status != 1 ]]; then
  echo "error: kmslint exited with $status on testdata/action/bad, expected 1 (findings)" >&2
  exit 1
fi

pretty="$("$sarif_fmt" --color never <"$sarif")"
plain="$("$sarif_fmt" --color never --message-format plain --input "$sarif")"

fail=0
expect() { # expect WHAT TEXT NEEDLE
  if [[ "$2" != *"$3"* ]]; then
    echo "FAILED: sarif-fmt $1: '$3' not in its output" >&2
    fail=1
  fi
}
expect "pretty: KMS002 message" "$pretty" \
  'warning: `aws_kms_key.orders` does not rotate its key material: `enable_key_rotation` is false'
expect "pretty: location" "$pretty" '┌─ testdata/action/bad/main.tf:6:29'
expect "pretty: source line" "$pretty" '6 │   enable_key_rotation     = false'
expect "pretty: rule description" "$pretty" \
  '= A symmetric customer-managed KMS key does not rotate its key material automatically'
expect "plain: KMS002 result" "$plain" \
  'testdata/action/bad/main.tf:6:29: warning: `aws_kms_key.orders` does not rotate its key material'

if [[ $fail != 0 ]]; then
  printf '%s\n' "$pretty" "$plain" >&2
  exit 1
fi
echo "sarif-fmt renders kmslint's SARIF; the KMS002 result:"
printf '%s\n' "$pretty" | sed -n '1,6p'
