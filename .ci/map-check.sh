#!/usr/bin/env bash
# .ci/map-check.sh KMSLINT -- the Markdown of `kmslint map` (fixture maps, a hostile tree, the
# access diff) renders with its tables and Mermaid graph intact: checked with markdown-it (a
# CommonMark renderer with GFM tables) and Mermaid's own parser, from npm, pinned, installed into
# ${TMPDIR:-/tmp}/kmslint-ci/map-npm and reused by later runs.
set -euo pipefail
printf "\n==> %s\n" "the Markdown of kmslint map (.ci/map-check.sh)" >&2

if [[ $# -ne 1 ]]; then
  echo "usage: $0 KMSLINT" >&2
  exit 2
fi
kmslint="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

MERMAID_VERSION=12.3.0
JSDOM_VERSION=26.1.0
MARKDOWN_IT_VERSION=14.3.3

tools="${TMPDIR:-/tmp}/kmslint-ci"
npm_dir="$tools/map-npm"
stamp="$tools/.map-npm-mermaid-$MERMAID_VERSION-jsdom-$JSDOM_VERSION-markdown-it-$MARKDOWN_IT_VERSION"
mkdir -p "$tools"
exec 8>"$tools/.map-lock"
flock 8
if [[ -f "$stamp" && -d "$npm_dir/node_modules/mermaid" ]]; then
  echo "reusing $npm_dir" >&2
else
  rm -rf "$npm_dir" "$tools"/.map-npm-*
  mkdir -p "$npm_dir"
  printf '{ "name": "kmslint-map-check", "private": true, "type": "module" }\n' >"$npm_dir/package.json"
  npm install --prefix "$npm_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "mermaid@$MERMAID_VERSION" "jsdom@$JSDOM_VERSION" "markdown-it@$MARKDOWN_IT_VERSION" >&2
  touch "$stamp"
fi
flock -u 8

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$kmslint" map --format markdown testdata/map/tree >"$work/tree.md"
"$kmslint" map --format markdown testdata/map/plan >"$work/plan.md"
"$kmslint" map --format markdown testdata/map/hostile >"$work/hostile.md"
# The access diff, on a repository made here from the fixture.
git_() { git -c user.name=ci -c user.email=ci@example.com -c commit.gpgsign=false -C "$work/repo" "$@"; }
mkdir -p "$work/repo"
cp -R testdata/map/tree/. "$work/repo/"
git_ init -q
git_ add -A
git_ commit -qm base
sed -i 's/"arn:aws:iam::444455556666:root"/"*"/; s/enable_key_rotation     = true/enable_key_rotation     = false/' \
  "$work/repo/main.tf"
status=0
(cd "$work/repo" && "$kmslint" map --base HEAD --format markdown --fail-on-new-access >"$work/diff.md") || status=$?
if [[ $status != 1 ]]; then
  echo "error: kmslint map --fail-on-new-access exited with $status on new public access, expected 1" >&2
  exit 1
fi

# The script imports from the tools' node_modules.
cp .ci/map-check.mjs "$npm_dir/map-check.mjs"
node "$npm_dir/map-check.mjs" "$work/tree.md" "$work/plan.md" "$work/hostile.md" "$work/diff.md"
