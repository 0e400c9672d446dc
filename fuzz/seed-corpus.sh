#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) from the committed seeds in fuzz/seeds/<target>/
# and the project's real data: the city texts, the i18n files and the test fixtures.
# Safe to run again: it only adds files (libFuzzer's own corpus files are kept).
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz")"
c="$fuzz/corpus"
mkdir -p "$c/markdown" "$c/front_matter" "$c/i18n"

for t in markdown front_matter i18n; do
  cp "$fuzz/seeds/$t/"* "$c/$t/"
done

# Whole <lang>.md files: for front_matter as they are; for markdown too (the front matter is
# then just text before the first heading).
mds=("$root"/data/cities/*/*.md)
while IFS= read -r -d '' f; do mds+=("$f"); done < <(find "$root/tests/fixtures" -name '*.md' -print0)
for f in "${mds[@]}"; do
  name="$(basename "$(dirname "$f")")-$(basename "$f")"
  cp "$f" "$c/front_matter/$name"
  cp "$f" "$c/markdown/$name"
done

# The runs use -max_len=8192, which cuts longer files: also give markdown each body cut at
# its numbered headings (`# ` / `## `), so every part of a long report is in reach.
for f in "${mds[@]}"; do
  name="$(basename "$(dirname "$f")")-$(basename "$f" .md)"
  awk -v out="$c/markdown/$name-part" '
    /^##? / { n++ }
    { print > (out sprintf("%02d", n) ".md") }
  ' "$f"
done

# i18n files, and the other TOML files of the project for their syntax.
cp "$root"/data/i18n/*.toml "$c/i18n/"
for f in "$root"/data/site.toml "$root"/data/cities/*/city.toml; do
  cp "$f" "$c/i18n/$(basename "$(dirname "$f")")-$(basename "$f")"
done

for t in markdown front_matter i18n; do
  echo "$t: $(ls "$c/$t" | wc -l) files"
done
