#!/usr/bin/env bash
# bench/checkov.sh [MODULES...] -- Checkov's KMS checks against `kmslint` (all rules, SARIF output)
# on the same trees written by bench/gen_corpus.py (default: 10 modules), as wall time,
# peak memory and throughput in MB/s of .tf/.tfvars bytes. Checkov (pinned) is installed into a
# virtual environment under ${TMPDIR:-/tmp}, never into the repository. Needs Python 3.
# Checkov: best of 3 runs (one from 1,000 modules on); kmslint: best of 20 (it finishes
# in milliseconds). Wall time by Python's clock, peak memory from the children's resource usage.
set -euo pipefail
CHECKOV_VERSION=3.3.30

# The checks of Checkov's Terraform policy index for aws_kms_key (rotation, wildcard principal,
# enabled, policy defined) and those asking an encrypting resource for a customer-managed key: the
# ground kmslint's rules cover.
CHECKS=CKV_AWS_7,CKV_AWS_33,CKV_AWS_227,CKV2_AWS_64,CKV_AWS_145,CKV_AWS_189,CKV_AWS_327,CKV_AWS_354
CHECKS+=,CKV_AWS_26,CKV_AWS_27,CKV2_AWS_73,CKV_AWS_158,CKV_AWS_173,CKV_AWS_119,CKV_AWS_271
CHECKS+=,CKV_AWS_149,CKV_AWS_35,CKV_AWS_184,CKV_AWS_185,CKV_AWS_182,CKV_AWS_247,CKV_AWS_337
CHECKS+=,CKV_AWS_166

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gen="${GEN_CORPUS:-$repo/bench/gen_corpus.py}"
gen_id="$(sha256sum "$gen" | cut -c1-12)"
work="${TMPDIR:-/tmp}/kmslint-bench"
venv="${TMPDIR:-/tmp}/kmslint-checkov-$CHECKOV_VERSION"
mkdir -p "$work"

if [[ ! -x "$venv/bin/checkov" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

cd "$repo"
# KMSLINT: another kmslint binary to measure (default: this checkout, built here).
kmslint_bin="${KMSLINT:-}"
if [[ -z "$kmslint_bin" ]]; then
  cargo build --release --locked --quiet
  kmslint_bin="${CARGO_TARGET_DIR:-target}/release/kmslint"
fi

# Best wall seconds of N runs of a command and the peak resident memory of those runs in MB (the
# children's maximum resident set size), output discarded, exit status ignored (both tools exit 1
# when they find something).
measure() {
  local n="$1"
  shift
  python3 - "$n" "$@" <<'EOF'
import resource, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{best:.4f} {peak:.0f}")
EOF
}

printf 'Checkov %s, checks %s\n\n' "$("$venv/bin/checkov" --version)" "$CHECKS"
printf '| modules | MB | Checkov s | Checkov peak RSS MB | Checkov MB/s | kmslint s | kmslint peak RSS MB | kmslint MB/s | throughput ratio |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${@:-10}"; do
  tree="$work/corpus-$gen_id-$n"
  # Written beside and renamed, so an interrupted run leaves no partial tree to reuse.
  if [ ! -d "$tree" ]; then
    rm -rf "$tree.part"
    python3 "$gen" "$tree.part" --modules "$n" 2>/dev/null
    mv "$tree.part" "$tree"
  fi
  bytes=$(find "$tree" \( -name '*.tf' -o -name '*.tfvars' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  # --skip-download: no call to the Prisma Cloud API, which would otherwise be part of the time.
  checkov=("$venv/bin/checkov" -d "$tree" --framework terraform --skip-download --check "$CHECKS"
    -o sarif --output-file-path "$work/checkov$n")
  kmslint=("$kmslint_bin" --format sarif --output "$work/kmslint$n.sarif" "$tree")
  # Checkov takes minutes from N = 1,000 on: one run there.
  runs=3
  ((n < 1000)) || runs=1
  read -r c c_rss < <(measure "$runs" "${checkov[@]}")
  read -r k k_rss < <(measure 20 "${kmslint[@]}")
  awk -v n="$n" -v b="$bytes" -v c="$c" -v cr="$c_rss" -v k="$k" -v kr="$k_rss" 'BEGIN {
    printf "| %s | %.3f | %.2f | %s | %.4f | %.4f | %s | %.1f | %.0f |\n",
      n, b/1e6, c, cr, b/1e6/c, k, kr, b/1e6/k, c/k }'
done
