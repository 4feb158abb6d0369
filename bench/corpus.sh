#!/usr/bin/env bash
# bench/corpus.sh CORPUS_DIR [KMSLINT] -- runs kmslint on every repository folder of CORPUS_DIR (one
# folder per repository, e.g. `owner+name`) and prints one Markdown table row per repository:
# files, exit code, findings, diagnostics by level, panics, wall time and peak resident memory.
# The JSON reports are kept in ${TMPDIR:-/tmp}/kmslint-corpus for review. Needs /usr/bin/time and
# python3. A repository on which kmslint crashed (exit >= 101, or a signal) is marked PANIC.
set -uo pipefail
corpus="${1:?usage: bench/corpus.sh CORPUS_DIR [KMSLINT]}"
kmslint="${2:-target/release/kmslint}"
out="${TMPDIR:-/tmp}/kmslint-corpus"
mkdir -p "$out"
printf '| repository | .tf files | exit | findings | errors | warnings | notes | crash | time s | peak RSS MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n'
for dir in "$corpus"/*/; do
  name="$(basename "$dir")"
  tf=$(find "$dir" -name '*.tf' | wc -l)
  stats="$out/$name.time"
  /usr/bin/time -f '%e %M' -o "$stats" "$kmslint" --format json --output "$out/$name.json" \
    --fail-level none "$dir" >/dev/null 2>"$out/$name.stderr"
  code=$?
  read -r secs rss < <(tail -n 1 "$stats" 2>/dev/null) || { secs=?; rss=0; }
  crash=no
  if [ "$code" -ge 101 ] || grep -q 'panicked' "$out/$name.stderr"; then crash=PANIC; fi
  counts=$(python3 - "$out/$name.json" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("- - - -"); sys.exit()
levels = {"error": 0, "warning": 0, "note": 0}
for e in d.get("errors", []):
    levels[e.get("level", "error")] += 1
print(len(d.get("findings", [])), levels["error"], levels["warning"], levels["note"])
EOF
)
  read -r findings errors warnings notes <<<"$counts"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$tf" "$code" "$findings" \
    "$errors" "$warnings" "$notes" "$crash" "$secs" "$(awk -v r="$rss" 'BEGIN {printf "%.0f", r/1024}')"
done
