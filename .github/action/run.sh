#!/usr/bin/env bash
# The shell behind action.yml (the kmslint GitHub Action): `run.sh install|scan|finish`.
#
# action.yml passes every input through `env:` (INPUT_*), never by expanding `${{ }}` into the
# script, so an input's value is only ever data. .ci/action-test.py runs the action's steps, and
# with them this script, with a simulated GitHub environment.
#
#   install  INPUT_VERSION -> step output `bin` (path of the kmslint executable)
#   scan     KMSLINT_BIN, INPUT_PATH, INPUT_CONFIG, INPUT_FORMAT, INPUT_SARIF_FILE, INPUT_FAIL_LEVEL
#            -> step outputs `sarif-file`, `findings`, `exit-code`; the job summary
#   map      KMSLINT_BIN, INPUT_PATH, INPUT_CONFIG, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH -> on a pull
#            request, the key access changes since its base commit in the job summary
#   finish   KMSLINT_EXIT_CODE, KMSLINT_FINDINGS, INPUT_SOFT_FAIL -> the step's exit status
#
# KMSLINT_RELEASE_URL replaces the release download base URL (a mirror, or a directory through
# file:// in the tests); the asset names are the ones .ci/package.sh gives the release.
set -euo pipefail

# Sets the caller's `paths` from the `path` input: one path per line; blank lines are ignored, and
# no line is split or expanded.
input_paths() {
  paths=()
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    if [[ -n "${line//[[:space:]]/}" ]]; then paths+=("$line"); fi
  done <<<"${INPUT_PATH:-.}"
  if [[ ${#paths[@]} -eq 0 ]]; then paths=(.); fi
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
action_path="${GITHUB_ACTION_PATH:-$(cd "$here/../.." && pwd)}"
# Git Bash on Windows runners: the runner's paths are "D:\...", which tar reads as a remote host.
if command -v cygpath >/dev/null 2>&1; then action_path="$(cygpath -u "$action_path")"; fi
release_url="${KMSLINT_RELEASE_URL:-https://github.com/kmslint/kmslint/releases/download}"

# Escapes a workflow command's message, so that a value quoted in it cannot end the command.
escape() {
  local s="${1//%/%25}"
  s="${s//$'\r'/%0D}"
  printf '%s' "${s//$'\n'/%0A}"
}

die() {
  echo "::error title=kmslint::$(escape "$*")"
  exit 2
}

# Appends `name=value` to the step outputs; values are single lines (checked by the callers).
output() {
  echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run.sh runs inside a GitHub Actions step}"
}

# The version in the action's own Cargo.toml: the action at tag vX.Y.Z installs kmslint X.Y.Z.
action_version() {
  sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1
}

# The release target for a runner. Windows on Arm runs the x86_64 build under emulation.
target_for() {
  case "$1/$2" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64 | Windows/ARM64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1 | tr -d '\\'
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# Python 3, for reading the SARIF report. GitHub-hosted runners have it (as `python` on Windows,
# where `python3` may be the Microsoft Store stub).
python_cmd() {
  local py
  for py in python3 python; do
    if "$py" -c 'import sys; sys.exit(sys.version_info < (3, 8))' >/dev/null 2>&1; then
      echo "$py"
      return 0
    fi
  done
  return 1
}

fetch() {
  curl --proto '=https,file' --tlsv1.2 --fail --location --silent --show-error \
    --retry 3 --output "$2" "$1"
}

# Downloads and unpacks the release archive for $target into $dir. Returns 3 when the release
# cannot be downloaded (not published, no network), so the caller can build instead; a checksum
# that does not match is an error and never falls back.
install_release() {
  local version="$1" target="$2" dir="$3"
  local name="kmslint-v$version-$target" ext=tar.gz exe=kmslint
  case "$target" in *-windows-*) ext=zip exe=kmslint.exe ;; esac
  local archive="$name.$ext" url="$release_url/v$version/$name.$ext"
  local download="$dir/download"
  rm -rf "$download"
  mkdir -p "$download" || die "cannot create $download"
  echo "downloading $url"
  if ! fetch "$url" "$download/$archive" || ! fetch "$url.sha256" "$download/$archive.sha256"; then
    return 3
  fi
  local want got
  want="$(cut -d ' ' -f 1 <"$download/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')"
  got="$(sha256_of "$download/$archive")"
  if [[ ! "$want" =~ ^[0-9a-f]{64}$ ]]; then
    die "$archive.sha256 does not hold a SHA-256 checksum"
  fi
  if [[ "$want" != "$got" ]]; then
    die "checksum mismatch for $archive: expected $want, got $got (from $url)"
  fi
  echo "SHA-256 $got verified"
  case "$ext" in
    tar.gz) tar -xzf "$download/$archive" -C "$download" || die "cannot unpack $archive" ;;
    zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$download/$archive" -d "$download" || die "cannot unpack $archive"
      else
        local py
        py="$(python_cmd)" || die "cannot unpack $archive: neither unzip nor Python 3 is available"
        "$py" -m zipfile -e "$download/$archive" "$download" || die "cannot unpack $archive"
      fi
      ;;
  esac
  [[ -f "$download/$name/$exe" ]] || die "$archive does not contain $name/$exe"
  # Runs as the condition of an `||`, where `set -e` does not apply: each step is checked.
  mkdir -p "$dir/bin" && mv -f "$download/$name/$exe" "$dir/bin/$exe" ||
    die "cannot move kmslint into $dir/bin"
  # zip archives carry no Unix mode bits.
  chmod +x "$dir/bin/$exe" || die "cannot make $dir/bin/$exe executable"
  rm -rf "$download"
}

cmd_install() {
  local version="${INPUT_VERSION:-}" mine target dir
  version="${version#v}"
  mine="$(action_version)"
  [[ -n "$mine" ]] || die "cannot read the version from $action_path/Cargo.toml"
  [[ -n "$version" ]] || version="$mine"
  if [[ "$version" != source && ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
    die "version must be empty, \"source\" or an exact version such as $mine (got \"$version\")"
  fi

  local temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
  if command -v cygpath >/dev/null 2>&1; then temp="$(cygpath -u "$temp")"; fi
  dir="$temp/kmslint-action/$version"
  mkdir -p "$dir"

  local how=""
  target="$(target_for "${RUNNER_OS:-}" "${RUNNER_ARCH:-}")"
  # The action used twice in one job installs once.
  local existing="$dir/bin/kmslint"
  [[ -f "$existing" ]] || existing="$dir/bin/kmslint.exe"
  if [[ "$version" != source && -f "$existing" && "$("$existing" --version 2>/dev/null || true)" == "kmslint $version" ]]; then
    how="already installed"
  elif [[ "$version" != source ]]; then
    if [[ -z "$target" ]]; then
      echo "::notice title=kmslint::no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building kmslint $version with cargo"
    else
      local status=0
      install_release "$version" "$target" "$dir" || status=$?
      case "$status" in
        0) how="release $target" ;;
        3) echo "::notice title=kmslint::no release download for kmslint $version ($target); building it with cargo (a few minutes)" ;;
        *) exit "$status" ;;
      esac
    fi
  fi

  if [[ -z "$how" ]]; then
    command -v cargo >/dev/null 2>&1 ||
      die "kmslint $version has no release binary here and cargo is not installed: install Rust (rustup) first, or use a released version"
    if [[ "$version" == source || "$version" == "$mine" ]]; then
      cargo install --locked --root "$dir" --path "$action_path"
      how="cargo install --path $action_path"
    else
      cargo install --locked --root "$dir" --version "=$version" kmslint
      how="cargo install kmslint@$version"
    fi
  fi

  local bin="$dir/bin/kmslint"
  [[ -f "$bin" ]] || bin="$dir/bin/kmslint.exe"
  [[ -f "$bin" ]] || die "kmslint was not installed into $dir/bin"
  local reported
  reported="$("$bin" --version)" || die "$bin does not run"
  if [[ "$version" != source && "$reported" != "kmslint $version" ]]; then
    die "$bin reports \"$reported\", expected kmslint $version"
  fi
  echo "installed $reported ($how): $bin"
  output bin "$bin"
}

cmd_scan() {
  local bin="${KMSLINT_BIN:-}" format="${INPUT_FORMAT:-pretty}" sarif="${INPUT_SARIF_FILE:-}"
  [[ -n "$bin" && -x "$bin" ]] || die "KMSLINT_BIN does not name the installed kmslint (\"$bin\")"
  case "$format" in
    pretty | json | github | sarif) ;;
    *) die "format must be pretty, json, github or sarif (got \"$format\")" ;;
  esac
  case "$sarif" in
    "" | *$'\n'* | *$'\r'*) die "sarif-file must be one non-empty path" ;;
  esac

  local paths=()
  input_paths

  # Expanded with ${args[@]+...}: bash 3.2 (macOS) treats an empty array as unbound.
  local args=()
  # --config needs a kmslint with configuration file support; older ones reject it (exit code 2).
  if [[ -n "${INPUT_CONFIG:-}" ]]; then args+=(--config "$INPUT_CONFIG"); fi
  if [[ -n "${INPUT_FAIL_LEVEL:-}" ]]; then args+=(--fail-level "$INPUT_FAIL_LEVEL"); fi

  mkdir -p "$(dirname -- "$sarif")"
  # A report left over from an earlier step must not pass for this run's.
  rm -f -- "$sarif"

  # The log shows the chosen format; the SARIF report, which the summary and the upload read,
  # comes from a second run (kmslint is fast; its exit status is the one that counts).
  if [[ "$format" != sarif ]]; then
    local color=()
    # The Actions log renders ANSI colours, but kmslint sees no terminal there.
    if [[ "$format" == pretty && -z "${NO_COLOR:-}" ]]; then color=(--color always); fi
    # Terraform text quoted in the pretty or JSON output must not act as a workflow command
    # (the github format is commands, escaped by kmslint).
    local token=""
    if [[ "$format" != github ]]; then
      token="kmslint-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
      echo "::stop-commands::$token"
    fi
    "$bin" check --format "$format" ${color[@]+"${color[@]}"} ${args[@]+"${args[@]}"} \
      -- "${paths[@]}" || true
    if [[ -n "$token" ]]; then echo "::$token::"; fi
  fi
  local status=0
  "$bin" check --format sarif --output "$sarif" ${args[@]+"${args[@]}"} -- "${paths[@]}" || status=$?

  local findings=""
  if [[ -f "$sarif" ]]; then
    output sarif-file "$sarif"
    local py
    if py="$(python_cmd)"; then
      findings="$("$py" "$here/summary.py" "$sarif" "$status")" ||
        die "could not read the SARIF report $sarif"
    else
      echo "::warning title=kmslint::Python 3 is not available: no job summary"
      findings="$(grep -c '"ruleId"' "$sarif" || true)"
    fi
  elif [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    printf '## kmslint\n\nkmslint exited with status %s without writing a report; see the log.\n' \
      "$status" >>"$GITHUB_STEP_SUMMARY"
  fi
  output findings "$findings"
  output exit-code "$status"
}

cmd_finish() {
  local code="${KMSLINT_EXIT_CODE:-}" findings="${KMSLINT_FINDINGS:-}" soft
  soft="$(printf '%s' "${INPUT_SOFT_FAIL:-false}" | tr 'A-Z' 'a-z')"
  case "$soft" in
    true | false) ;;
    *) die "soft-fail must be true or false (got \"${INPUT_SOFT_FAIL:-}\")" ;;
  esac
  # "1 finding", "2 findings", "some findings" when the count is unknown.
  local counted="${findings:-some} findings"
  [[ "$findings" == 1 ]] && counted="1 finding"
  case "$code" in
    0) echo "kmslint: no finding at or above the fail level" ;;
    1)
      if [[ "$soft" == true ]]; then
        echo "::warning title=kmslint::$(escape "$counted"); soft-fail is on, so the job goes on"
      else
        echo "::error title=kmslint::$(escape "$counted"), at least one at or above the fail level (soft-fail: true reports them without failing)"
        exit 1
      fi
      ;;
    *)
      # Exit code 2 is a usage, configuration or input error: the analysis is incomplete, and
      # soft-fail does not hide that.
      echo "::error title=kmslint::kmslint exited with status $(escape "${code:-unknown}"): the analysis did not complete (see the log above)"
      exit 2
      ;;
  esac
}

# The key access diff between the pull request's base commit and the checkout, in Markdown, in the
# job summary. Anything that stops it is a warning: the map informs, `scan` decides.
cmd_map() {
  local bin="${KMSLINT_BIN:-}"
  [[ -n "$bin" && -x "$bin" ]] || die "KMSLINT_BIN does not name the installed kmslint (\"$bin\")"
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) ;;
    *)
      echo "map: not a pull request (${GITHUB_EVENT_NAME:-no event}); no key access diff"
      return 0
      ;;
  esac
  local py base
  py="$(python_cmd)" || { echo "::warning title=kmslint::map needs Python 3 to read the event"; return 0; }
  base="$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pull_request"]["base"]["sha"])' \
    "${GITHUB_EVENT_PATH:-}" 2>/dev/null || true)"
  if [[ ! "$base" =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]]; then
    echo "::warning title=kmslint::map: the event has no pull request base commit"
    return 0
  fi
  local git_safe=(-c core.hooksPath=/dev/null -c core.fsmonitor=false)
  # A shallow checkout lacks the base commit: fetch that one commit.
  if ! git "${git_safe[@]}" cat-file -e "$base^{commit}" 2>/dev/null; then
    git "${git_safe[@]}" fetch --quiet --no-tags --depth=1 origin "$base" 2>/dev/null || true
  fi

  local paths=()
  input_paths
  local args=()
  if [[ -n "${INPUT_CONFIG:-}" ]]; then args+=(--config "$INPUT_CONFIG"); fi

  local out status=0
  out="$(mktemp)"
  "$bin" map --base "$base" --format markdown --output "$out" ${args[@]+"${args[@]}"} \
    -- "${paths[@]}" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "::warning title=kmslint::map exited with status $status; no key access diff"
  elif [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat -- "$out" >>"$GITHUB_STEP_SUMMARY"
  fi
  rm -f -- "$out"
}

case "${1:-}" in
  install) cmd_install ;;
  scan) cmd_scan ;;
  finish) cmd_finish ;;
  map) cmd_map ;;
  *)
    echo "usage: run.sh install|scan|finish" >&2
    exit 2
    ;;
esac
