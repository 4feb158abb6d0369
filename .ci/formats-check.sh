#!/usr/bin/env bash
# .ci/formats-check.sh KMSLINT CHECK_JSONSCHEMA -- validates kmslint's CI report formats.
#
# Runs KMSLINT on the report fixtures, a hostile tree (markup, `]]>`, controls and bidi overrides
# in file names and strings), a file that does not parse and an empty directory, and validates:
#   - junit:      against junit-10.xsd, the Jenkins xUnit plugin's JUnit schema (MIT), as the
#                 pytest sdist on PyPI ships it (testing/example_scripts/junit-10.xsd);
#   - checkstyle: against .ci/checkstyle.xsd (Checkstyle publishes no schema for its report);
#   - gitlab:     against .ci/codeclimate-issues.schema.json with check-jsonschema, and for
#                 fingerprints unique within a report, as GitLab requires.
# The XML validator is xmlschema from PyPI, installed into ${TMPDIR:-/tmp}/kmslint-ci with a
# pinned version and a stamp file. Each schema must also reject a broken document, so a check
# that cannot fail fails.
set -euo pipefail

kmslint="$(realpath "$1")"
check_jsonschema="$2"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

XMLSCHEMA_VERSION=4.3.2
PYTEST_SDIST_VERSION=8.3.4
JUNIT_XSD_SHA256=a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6

tools="${TMPDIR:-/tmp}/kmslint-ci"
mkdir -p "$tools"
exec 8>"$tools/.formats-lock"
flock 8

venv="$tools/formats-venv"
venv_stamp="$tools/.formats-venv-xmlschema-$XMLSCHEMA_VERSION"
if [[ -f "$venv_stamp" && -x "$venv/bin/python" ]]; then
  echo "reusing $venv" >&2
else
  rm -rf "$venv" "$tools"/.formats-venv-*
  pip_args=(install --quiet --disable-pip-version-check --no-input "xmlschema==$XMLSCHEMA_VERSION")
  if python3 -m venv "$venv" >/dev/null 2>&1; then
    "$venv/bin/python" -m pip "${pip_args[@]}"
  else
    rm -rf "$venv"
    python3 -m venv --without-pip "$venv"
    python3 -m pip --python "$venv/bin/python" "${pip_args[@]}"
  fi
  touch "$venv_stamp"
fi

xsd_dir="$tools/formats-xsd"
junit_xsd="$xsd_dir/junit-10.xsd"
xsd_stamp="$tools/.formats-xsd-pytest-$PYTEST_SDIST_VERSION"
if [[ -f "$xsd_stamp" && -f "$junit_xsd" ]]; then
  echo "reusing $junit_xsd" >&2
else
  rm -rf "$xsd_dir" "$tools"/.formats-xsd-*
  mkdir -p "$xsd_dir/sdist"
  # The venv has pip unless it was made without (no python3-venv): then the system's pip.
  pip=("$venv/bin/python" -m pip)
  "${pip[@]}" --version >/dev/null 2>&1 || pip=(python3 -m pip)
  "${pip[@]}" download --quiet --disable-pip-version-check --no-input --no-deps \
    --no-binary :all: -d "$xsd_dir/sdist" "pytest==$PYTEST_SDIST_VERSION"
  tar -xzf "$xsd_dir/sdist/pytest-$PYTEST_SDIST_VERSION.tar.gz" -C "$xsd_dir" --strip-components=3 \
    "pytest-$PYTEST_SDIST_VERSION/testing/example_scripts/junit-10.xsd"
  rm -rf "$xsd_dir/sdist"
  touch "$xsd_stamp"
fi
echo "$JUNIT_XSD_SHA256  $junit_xsd" | sha256sum --check --quiet
flock -u 8

work="$(mktemp -d "$tools/formats.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The inputs: fixtures, a hostile tree, an input error, nothing at all.
mkdir -p "$work/in/hostile" "$work/in/broken" "$work/in/empty" "$work/out"
key='resource "aws_kms_key" "%s" {
  for_each = toset(["x\\u001b[2J]]><&\\"'"'"'\\u202egnp.exe\\u0001\\t\\uffff"])
  enable_key_rotation = false
}
'
# shellcheck disable=SC2059 # the format is the fixture
printf "$key" a >"$work/in/hostile/a&<b>'\".tf"
# shellcheck disable=SC2059
printf "$key" z >"$work/in/hostile/$(printf 'z\033[2J\342\200\256q\001\tr]]>.tf')"
printf 'resource "aws_kms_key" {\n' >"$work/in/broken/main.tf"
inputs=("$repo/testdata/report" "$repo/testdata/examples" "$work/in/hostile" "$work/in/broken"
  "$work/in/empty")

n=0
for input in "${inputs[@]}"; do
  n=$((n + 1))
  for format in junit checkstyle gitlab; do
    status=0
    (cd "$input" && "$kmslint" --format "$format" --output "$work/out/$n.$format" >/dev/null 2>&1) ||
      status=$?
    if ((status > 2)); then
      echo "error: kmslint --format $format failed on $input with exit status $status" >&2
      exit 1
    fi
  done
done

cat >"$work/validate.py" <<'PY'
"""validate.py XSD FILE... : every FILE is valid against XSD (exit 1 naming the first that is not)."""
import sys

import xmlschema

schema = xmlschema.XMLSchema(sys.argv[1])
for path in sys.argv[2:]:
    try:
        schema.validate(path)
    except Exception as e:  # a parse error or a validation error: both make the report unusable
        print(f"{path}: not valid against {sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(1)
PY
cat >"$work/unique.py" <<'PY'
"""unique.py FILE... : the fingerprints of each Code Quality report are unique."""
import json
import sys

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        fingerprints = [issue["fingerprint"] for issue in json.load(f)]
    if len(set(fingerprints)) != len(fingerprints):
        print(f"{path}: fingerprints repeat", file=sys.stderr)
        sys.exit(1)
PY

py="$venv/bin/python"
codeclimate="$repo/.ci/codeclimate-issues.schema.json"
"$py" "$work/validate.py" "$junit_xsd" "$work"/out/*.junit
"$py" "$work/validate.py" "$repo/.ci/checkstyle.xsd" "$work"/out/*.checkstyle
"$check_jsonschema" --quiet --schemafile "$codeclimate" "$work"/out/*.gitlab
"$py" "$work/unique.py" "$work"/out/*.gitlab

# Each check must be able to fail: a broken document of each kind is rejected.
printf '<testsuites><testsuite name="x" failures="0" errors="0"/></testsuites>\n' >"$work/bad.junit"
printf '<checkstyle><file name="x"><error line="0" severity="fatal" message="m" source="s"/></file></checkstyle>\n' \
  >"$work/bad.checkstyle"
printf '[{"type":"issue","check_name":"x","description":"d","categories":["Security"],"severity":"high","fingerprint":"f","location":{"path":"a.tf","lines":{"begin":1}}}]\n' \
  >"$work/bad.gitlab"
if "$py" "$work/validate.py" "$junit_xsd" "$work/bad.junit" 2>/dev/null ||
  "$py" "$work/validate.py" "$repo/.ci/checkstyle.xsd" "$work/bad.checkstyle" 2>/dev/null ||
  "$check_jsonschema" --quiet --schemafile "$codeclimate" "$work/bad.gitlab" >/dev/null 2>&1; then
  echo "error: a schema accepted a broken report" >&2
  exit 1
fi

echo "formats check: $(find "$work/out" -type f | wc -l) reports of ${#inputs[@]} inputs valid" >&2
