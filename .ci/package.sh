#!/usr/bin/env bash
# .ci/package.sh TARGET BINARY OUTDIR -- packs one release asset and its checksum.
#
# Writes OUTDIR/kmslint-vVERSION-TARGET.tar.gz (.zip for Windows) holding the directory
# kmslint-vVERSION-TARGET/ with the executable and README.md, and beside it ARCHIVE.sha256
# ("<hex>  <archive name>", as sha256sum prints it). VERSION is Cargo.toml's.
#
# One script for every consumer of these names: .github/workflows/release.yml builds the release
# with it, the action (.github/action/run.sh) and `cargo binstall` ([package.metadata.binstall] in
# Cargo.toml) download what it names, and .ci/action-test.py installs the action from its output.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 TARGET BINARY OUTDIR" >&2
  exit 2
fi
target="$1" binary="$2" outdir="$3"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
[[ -n "$version" ]] || { echo "error: no version in $repo/Cargo.toml" >&2; exit 1; }
[[ -f "$binary" ]] || { echo "error: $binary does not exist" >&2; exit 1; }

name="kmslint-v$version-$target"
exe=kmslint archive="$name.tar.gz"
case "$target" in *-windows-*) exe=kmslint.exe archive="$name.zip" ;; esac

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$repo/README.md" "$stage/$name/"
for license in "$repo"/LICENSE*; do
  if [[ -f "$license" ]]; then cp "$license" "$stage/$name/"; fi
done

rm -f "$outdir/$archive" "$outdir/$archive.sha256"
case "$archive" in
  *.zip)
    # Git Bash on the Windows runners has no zip; Python does (`python` there).
    py=python3
    command -v python3 >/dev/null 2>&1 && python3 -c '' 2>/dev/null || py=python
    (cd "$stage" && "$py" -m zipfile -c "$outdir/$archive" "$name")
    ;;
  *) (cd "$stage" && tar -czf "$outdir/$archive" "$name") ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
  sum="$(sha256sum "$outdir/$archive" | cut -d ' ' -f 1 | tr -d '\\')"
else
  sum="$(shasum -a 256 "$outdir/$archive" | cut -d ' ' -f 1)"
fi
printf '%s  %s\n' "$sum" "$archive" >"$outdir/$archive.sha256"
echo "$outdir/$archive"
