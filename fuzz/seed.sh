#!/usr/bin/env bash
# fuzz/seed.sh OUT -- writes the seed corpus of every fuzz target into OUT/<target>/: the
# testdata files of the target's kind (HCL fixtures, plans, kmslint.toml files) and the seeds
# kept in fuzz/corpus/<target>/ that testdata has no file for (policies on their own, a
# kmslint.toml with every key). Inputs that once failed (testdata/fuzz/) are not seeds: they are
# replayed by tests/fuzz_regressions.rs.
set -euo pipefail

out="${1:?usage: fuzz/seed.sh OUT}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# Copies the files `find` lists into a directory, named by their testdata path.
collect() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  find testdata -path testdata/fuzz -prune -o -type f "$@" -print | sort |
    while IFS= read -r f; do
      cp "$f" "$dir/$(printf '%s' "${f#testdata/}" | tr '/' '_')"
    done
}

collect "$out/hcl" \( -name '*.tf' -o -name '*.tfvars' \)
collect "$out/plan_json" -name 'plan.json'
collect "$out/config_toml" -name '*kmslint.toml'
mkdir -p "$out/policy_json"
for target in hcl plan_json config_toml policy_json; do
  if [[ -d "fuzz/corpus/$target" ]]; then
    cp fuzz/corpus/"$target"/* "$out/$target/"
  fi
done
