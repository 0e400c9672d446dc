#!/usr/bin/env bash
# Every command over the test corpus (tests/fixtures/corpus/), by hand, with the time of each:
# what `cargo test --release corpus` checks, for a look at the files themselves.
#
#   scripts/corpus.sh [OUT]      default OUT: a new temporary folder (printed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/cityreport
P=${1:-$(mktemp -d)}
mkdir -p "$P/data"
cp -r data/site.toml data/i18n tests/fixtures/corpus/cities "$P/data/"
ln -sfn "$PWD/templates" "$P/templates"
ln -sfn "$PWD/fonts" "$P/fonts"
step() { local s=$SECONDS; "$@" >/dev/null 2>"$P/last.log" || { cat "$P/last.log"; exit 1; }; echo "$(( SECONDS - s )) s  ${*:2}"; }
step "$BIN" --root "$P" check --force
for kind in "web" "archive" "print" "print --paper a5" "print --booklet"; do
  # shellcheck disable=SC2086
  step "$BIN" --root "$P" build --force -o "$P/out-${kind// /}" --profile $kind
done
cities=$(ls "$P/data/cities" | paste -sd,)
for lang in en de fr pl it es el; do
  step "$BIN" --root "$P" bundle --city "$cities" --lang "$lang" -o "$P/bundles/all-$lang.pdf"
done
step "$BIN" --root "$P" bundle --city "$cities" --lang en --profile print -o "$P/bundles/all-print.pdf"
step "$BIN" --root "$P" bundle --city "$cities" --lang en --profile print --paper a5 -o "$P/bundles/all-a5.pdf"
step "$BIN" --root "$P" bundle --city "$cities" --lang en --profile print --booklet --creep 0 -o "$P/bundles/all-booklet.pdf"
if command -v qpdf >/dev/null; then
  find "$P" -name '*.pdf' -print0 | xargs -0 -n1 qpdf --check >/dev/null && echo "qpdf --check: every file sound"
fi
echo "files in $P"
