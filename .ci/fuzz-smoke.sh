#!/usr/bin/env bash
# .ci/fuzz-smoke.sh [SECONDS] -- runs every fuzz target in fuzz/ for SECONDS (default 60) from its
# seed corpus, so a change that makes kmslint crash, hang or run out of memory on odd input fails
# CI. Inputs found earlier are replayed by tests/fuzz_regressions.rs in `cargo test`.
#
# cargo-fuzz (pinned) is installed into ${TMPDIR:-/tmp}/kmslint-ci/cargo-fuzz and reused. Its
# libFuzzer build uses compiler flags that stable Rust accepts only with RUSTC_BOOTSTRAP=1, set
# here for the fuzz build alone; libFuzzer itself is C++, so a C++ compiler (g++ or clang++) is
# needed. A crashing input is left in fuzz/artifacts/<target>/; copy it into
# testdata/fuzz/<target>/ with the fix.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
seconds="${1:-60}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
tools="${TMPDIR:-/tmp}/kmslint-ci"
root="$tools/cargo-fuzz-$CARGO_FUZZ_VERSION"
mkdir -p "$tools"

log() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v c++ >/dev/null 2>&1; then
  echo "error: libFuzzer needs a C++ compiler (c++, from g++ or clang++); none found" >&2
  exit 1
fi

if [[ ! -x "$root/bin/cargo-fuzz" ]]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION into $root"
  # Another CI run on the same machine may be installing it too.
  exec 8>"$tools/.cargo-fuzz.lock"
  flock 8
  if [[ ! -x "$root/bin/cargo-fuzz" ]]; then
    cargo install --quiet --locked --root "$root" "cargo-fuzz@$CARGO_FUZZ_VERSION"
  fi
  flock -u 8
fi
export PATH="$root/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# -a: with debug assertions and overflow checks, so arithmetic that would wrap in a release build
# fails here.
# The instrumented build is kept outside the clone and reused by later runs on the same machine:
# it is most of the smoke run's time when built afresh.
fuzz_target_dir="$tools/fuzz-target"
log "cargo fuzz build -a (into $fuzz_target_dir)"
build_start=$SECONDS
cargo fuzz build -a --target-dir "$fuzz_target_dir"
echo "fuzz targets built in $((SECONDS - build_start))s" >&2

# New inputs go to a scratch corpus, named first; the seeds (fuzz/seed.sh) are only read.
scratch="$(mktemp -d "$tools/fuzz-corpus.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
bash fuzz/seed.sh "$scratch/seeds"
for target in $(cargo fuzz list); do
  log "cargo fuzz run -a $target (${seconds}s)"
  mkdir -p "$scratch/$target"
  case "$target" in
    hcl) dict=hcl.dict ;;
    config_toml) dict=toml.dict ;;
    *) dict=json.dict ;;
  esac
  # -timeout: an input taking longer is a hang; -rss_limit_mb: one using more is a runaway
  # allocation. Both fail the run like a crash does. Leak checks are off (-detect_leaks=0 while
  # running, ASAN_OPTIONS at exit): LeakSanitizer once reported 122 bytes in 4 allocations at the
  # exit of a 60 s run, with no input to blame (the empty input was written), when each check
  # still made and dropped a thread pool of its own whose threads could be ending at exit.
  cargo fuzz run -a --target-dir "$fuzz_target_dir" "$target" "$scratch/$target" "$scratch/seeds/$target" -- \
    -dict="fuzz/dict/$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -detect_leaks=0 -print_final_stats=1 \
    2>"$scratch/$target.log" || {
    tail -60 "$scratch/$target.log" >&2
    echo "error: fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  }
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
    "$scratch/$target.log" >&2 || true
done
