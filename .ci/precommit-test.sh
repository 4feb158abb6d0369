#!/usr/bin/env bash
# .ci/precommit-test.sh TOOLS_DIR -- the pre-commit hook (.pre-commit-hooks.yaml), run by the real
# pre-commit on fixture repositories made from testdata/precommit/.
#
# The hook repository is a snapshot of this working tree (tracked and untracked files, not ignored
# ones such as target/) committed with a fixed author and date, so the same content always has the
# same commit. pre-commit installs the hook from it as from any hook repository: a git clone, then
# `cargo install --path .` for `language: rust`.
#
# * `pre-commit try-repo` on a repository with findings: exit code 1, the finding in the output.
#   try-repo installs into a store of its own on every call, so it builds kmslint each time.
# * `pre-commit run` with a .pre-commit-config.yaml naming the snapshot at its commit, as users
#   configure it: a clean repository passes (exit code 0), and only the passed files' modules are
#   analysed (but scan-wide rules judge the whole repository: the `project` fixture). This install is cached in PRE_COMMIT_HOME (in TOOLS_DIR) until the commit changes.
#
# So kmslint is built twice per new snapshot (the release profile, as users get it), with the
# dependencies compiled once and kept in CARGO_TARGET_DIR (in TOOLS_DIR).
#
# Needs `pre-commit` on PATH (.ci/run installs a pinned one), git and cargo.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 TOOLS_DIR" >&2
  exit 2
fi
tools="$1"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

fail=0
check() { # check DESCRIPTION COMMAND... : records a failed assertion and goes on
  local what="$1"
  shift
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAILED: $what" >&2
    fail=1
  fi
}
show() { sed 's/^/    | /' "$1" >&2; }

git_fixed() {
  git -c user.name=kmslint-ci -c user.email=ci@kmslint.invalid -c commit.gpgsign=false \
    -c init.defaultBranch=main "$@"
}
commit_all() { # commit_all DIR : makes DIR a repository with one reproducible commit; prints it
  (
    cd "$1"
    git_fixed init -q .
    git_fixed add -A
    GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
      git_fixed commit -q -m snapshot
    git rev-parse HEAD
  )
}

pre-commit validate-manifest .pre-commit-hooks.yaml
check "the hook manifest validates" true

# --- the hook repository: a snapshot of the working tree ------------------------------------------
mkdir -p "$tools/precommit"
# Two CI runs sharing TOOLS_DIR must not rebuild the same snapshot directory at once.
exec 8>"$tools/precommit/.lock"
flock 8
hookrepo="$tools/precommit/hook-repo"
rm -rf "$hookrepo"
mkdir -p "$hookrepo"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  # A tracked file deleted in the working tree is not part of the snapshot.
  if [[ -f "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
done | tar --null -T - -cf - | tar -xf - -C "$hookrepo"
rev="$(commit_all "$hookrepo")"
echo "hook repository: snapshot of the working tree at $rev"

export PRE_COMMIT_HOME="$tools/precommit/home"
export CARGO_TARGET_DIR="$tools/precommit/target"
# One cached install at a time: a new snapshot replaces the previous one.
stamp="$tools/precommit/installed-rev"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$rev" ]]; then
  rm -rf "$PRE_COMMIT_HOME"
fi

# --- fixture repositories -----------------------------------------------------------------------
work="$(mktemp -d "$tools/precommit/run.XXXXXX")"
trap 'rm -rf "$work"' EXIT
for name in bad clean project; do
  cp -R "testdata/precommit/$name" "$work/$name"
  commit_all "$work/$name" >/dev/null
done

# in_fixture FIXTURE LOG COMMAND... : runs COMMAND in the fixture repository; prints its status.
in_fixture() {
  local fixture="$1" log="$2" status=0
  shift 2
  (cd "$work/$fixture" && "$@") >"$log" 2>&1 || status=$?
  echo "$status"
}

# --- pre-commit try-repo ------------------------------------------------------------------------
start=$SECONDS
status="$(in_fixture bad "$work/bad-all.log" \
  pre-commit try-repo "$hookrepo" kmslint --verbose --color never --all-files)"
echo "pre-commit try-repo, repository with findings (kmslint built): $((SECONDS - start))s"
check "try-repo with findings: exit code 1 (got $status)" test "$status" = 1
check "try-repo with findings: the hook failed" grep -q '^kmslint\.*Failed$' "$work/bad-all.log"
check "try-repo with findings: KMS002 reported" \
  grep -q 'warning\[KMS002/key-rotation-disabled\]' "$work/bad-all.log"
# The value is set in variables.tf and used in main.tf: the finding points at the value.
check "try-repo with findings: finding in variables.tf" \
  grep -q 'modules/kms/variables.tf:4:17' "$work/bad-all.log"
check "try-repo with findings: one finding (each module analysed once)" \
  grep -q '^1 finding (0 errors, 1 warning, 0 notes) in 3 files' "$work/bad-all.log"

# --- pre-commit run, configured as users do ---------------------------------------------------
for name in bad clean project; do
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: kmslint\n' "$hookrepo" "$rev" \
    >"$work/$name/.pre-commit-config.yaml"
  status="$(in_fixture "$name" "$work/config-$name.log" \
    pre-commit validate-config .pre-commit-config.yaml)"
  check "$name fixture: .pre-commit-config.yaml validates" test "$status" = 0
  (cd "$work/$name" && git_fixed add .pre-commit-config.yaml && git_fixed commit -q -m config)
done

start=$SECONDS
status="$(in_fixture clean "$work/clean-all.log" \
  pre-commit run kmslint --verbose --color never --all-files)"
echo "pre-commit run, clean repository (kmslint built unless cached for this commit): $((SECONDS - start))s"
echo "$rev" >"$stamp"
check "clean repository, --all-files: exit code 0 (got $status)" test "$status" = 0
check "clean repository: the hook passed" grep -q '^kmslint\.*Passed$' "$work/clean-all.log"

# Only main.tf passed (as when only it changed): its whole module is analysed, variables.tf too.
status="$(in_fixture bad "$work/run-main.log" \
  pre-commit run kmslint --verbose --color never --files modules/kms/main.tf)"
check "run, main.tf only: exit code 1 (got $status)" test "$status" = 1
check "run, main.tf only: finding in variables.tf" \
  grep -q 'modules/kms/variables.tf:4:17' "$work/run-main.log"

# A file of the clean module only: the module with the finding is not analysed.
status="$(in_fixture bad "$work/run-logs.log" \
  pre-commit run kmslint --verbose --color never --files modules/logs/main.tf)"
check "run, clean module only: exit code 0 (got $status)" test "$status" = 0
check "run, clean module only: passed" grep -q '^kmslint\.*Passed$' "$work/run-logs.log"

# A commit touching only envs/dev of a repository whose root kmslint.toml requires an alias and an
# app-tier key that the root module creates: the scan-wide rules judge the whole repository.
status="$(in_fixture project "$work/run-project-dev.log" \
  pre-commit run kmslint --verbose --color never --files envs/dev/main.tf)"
check "run, sub-module of a configured repository: exit code 0 (got $status)" test "$status" = 0
check "run, sub-module of a configured repository: passed" \
  grep -q '^kmslint\.*Passed$' "$work/run-project-dev.log"

# No Terraform file among those passed: pre-commit does not start the hook.
status="$(in_fixture bad "$work/run-none.log" \
  pre-commit run kmslint --verbose --color never --files README.md)"
check "run, no Terraform file: exit code 0 (got $status)" test "$status" = 0
check "run, no Terraform file: skipped" \
  grep -q '^kmslint\.*(no files to check)Skipped$' "$work/run-none.log"

# The fixing hook, from the same hook repository (the same install): it writes the fix of the
# KMS002 finding, the variable's default, and fails because it changed a file.
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: kmslint-fix\n' "$hookrepo" "$rev" \
  >"$work/bad/.pre-commit-config.yaml"
(cd "$work/bad" && git_fixed add .pre-commit-config.yaml && git_fixed commit -q -m fix-config)
status="$(in_fixture bad "$work/fix-all.log" \
  pre-commit run kmslint-fix --verbose --color never --all-files)"
check "kmslint-fix: exit code 1 (got $status)" test "$status" = 1
check "kmslint-fix: the hook failed" grep -q '^kmslint (fix)\.*Failed$' "$work/fix-all.log"
check "kmslint-fix: files were modified" grep -q 'files were modified by this hook' "$work/fix-all.log"
check "kmslint-fix: the default is fixed" \
  grep -q 'default     = true' "$work/bad/modules/kms/variables.tf"
check "kmslint-fix: one fixed, none remaining" grep -q '1 fixed, 0 remaining' "$work/fix-all.log"

# kmslint's own artifacts are rebuilt by every install (each builds a fresh clone); unlike the
# dependencies', they are never reused.
rm -rf "$CARGO_TARGET_DIR"/release/deps/kmslint-* "$CARGO_TARGET_DIR"/release/deps/libkmslint-* \
  "$CARGO_TARGET_DIR"/release/.fingerprint/kmslint-*

if [[ $fail != 0 ]]; then
  for log in "$work"/*.log; do
    echo "--- $(basename "$log")" >&2
    show "$log"
  done
  exit 1
fi
echo "--- pre-commit try-repo on the repository with findings:"
cat "$work/bad-all.log"
