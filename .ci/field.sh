#!/usr/bin/env bash
# .ci/field.sh KMSLINT -- runs every field check of ../shared/field (reproducers of defects seen on
# real repositories and hostile input) against the given binary. A check named in
# .ci/field-expected-failures is expected to fail still: its failure is printed but does not fail
# CI, and its passing does (so the mark is removed as soon as the defect is fixed).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
field="${KMSLINT_FIELD_DIR:-$repo/../shared/field}"
kmslint="${1:?usage: .ci/field.sh KMSLINT}"
if [[ ! -f "$field/run-all.sh" ]]; then
  echo "error: no field checks at $field" >&2
  exit 1
fi
expected=()
while read -r name _; do
  [[ -z "$name" || "$name" == \#* ]] || expected+=("$name")
done <"$repo/.ci/field-expected-failures"
is_expected() {
  local n
  for n in "${expected[@]}"; do [[ "$n" == "$1" ]] && return 0; done
  return 1
}
status=0
while read -r line; do
  echo "$line"
  case "$line" in
    "PASS "*) name="${line#PASS }"; name="${name%%:*}"
      if is_expected "$name"; then
        echo "error: $name passes now: remove it from .ci/field-expected-failures" >&2
        status=1
      fi ;;
    "FAIL "*) name="${line#FAIL }"; name="${name%%:*}"
      if ! is_expected "$name"; then status=1; fi ;;
  esac
done < <(KMSLINT="$kmslint" bash "$field/run-all.sh")
exit "$status"
