#!/usr/bin/env bash
# bench/run.sh [MODULES...] -- wall time, CPU time and peak memory of `kmslint` (all rules, SARIF
# output) against the parse-only floor, on trees written by bench/gen_corpus.py (default: 100 and
# 1000 services). Each figure is the best of 5 runs. Needs python3 and /usr/bin/time.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gen="${GEN_CORPUS:-$repo/bench/gen_corpus.py}"
[ "$#" -gt 0 ] || set -- 100 1000
# Trees are cached per generator version: a changed generator writes new ones.
gen_id="$(sha256sum "$gen" | cut -c1-12)"
target="${CARGO_TARGET_DIR:-target}"
work="${TMPDIR:-/tmp}/kmslint-bench"
mkdir -p "$work"
cd "$repo"
cargo build --release --locked --quiet
cargo build --release --locked --quiet --benches
floor="$(ls -t "$target"/release/deps/parse_only-* | grep -v '\.d$' | head -1)"
best() { sort -n | head -1; }
printf '| modules | files | MB | parse-only s | kmslint s | ratio | kmslint MB/s | parse-only peak RSS MB | kmslint peak RSS MB |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "$@"; do
  tree="$work/corpus-$gen_id-$n"
  # Written beside and renamed, so an interrupted run leaves no partial tree to reuse.
  if [ ! -d "$tree" ]; then
    rm -rf "$tree.part"
    python3 "$gen" "$tree.part" --modules "$n" 2>/dev/null
    mv "$tree.part" "$tree"
  fi
  files=$(find "$tree" -name '*.tf' -o -name '*.tfvars' | wc -l)
  mb=$(find "$tree" \( -name '*.tf' -o -name '*.tfvars' \) -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  p=$(for _ in 1 2 3 4 5; do /usr/bin/time -f '%e' "$floor" "$tree" 2>&1 >/dev/null | tail -1; done | best)
  k=$(for _ in 1 2 3 4 5; do /usr/bin/time -f '%e' "$target"/release/kmslint --format sarif --output "$work/out.sarif" "$tree" 2>&1 >/dev/null | tail -1 || true; done | best)
  p_rss=$(/usr/bin/time -f '%M' "$floor" "$tree" 2>&1 >/dev/null | tail -1)
  rss=$(/usr/bin/time -f '%M' "$target"/release/kmslint --format sarif --output "$work/out.sarif" "$tree" 2>&1 >/dev/null | tail -1 || true)
  ratio=$(awk -v a="$k" -v b="$p" 'BEGIN {printf "%.2f", a/b}')
  mbs=$(awk -v m="$mb" -v k="$k" 'BEGIN {printf "%.1f", m/k}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$files" "$mb" "$p" "$k" "$ratio" "$mbs" \
    "$(awk -v r="$p_rss" 'BEGIN {printf "%.0f", r/1024}')" "$(awk -v r="$rss" 'BEGIN {printf "%.0f", r/1024}')"
done
