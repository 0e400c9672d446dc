#!/usr/bin/env bash
# Benchmark of batch regeneration on synthetic cities shaped like Milan, against a loop of
# plain `typst compile` over the same templates and the JSON `cityreport export-data` prints.
#
#   scripts/bench.sh [CITIES] [LANGS]        default: 40 cities × en,de,fr,pl,it = 200 reports
#
# Needs: a release build (the script makes it), GNU time (/usr/bin/time), qpdf, and the
# Typst CLI of the same version as the library, e.g.
#   cargo install typst-cli --version 0.15.1 --locked
# (set TYPST=/path/to/typst if it is not on PATH). Prints a table of wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
CITIES=${1:-40}
LANGS=${2:-en,de,fr,pl,it}
TYPST=${TYPST:-typst}
JOBS=${JOBS:-$(nproc)}
cargo build --release --quiet
BIN=$PWD/target/release/cityreport
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" synth "$WORK/p" --cities "$CITIES" --langs "$LANGS" 2>/dev/null
P=$WORK/p
# Real copies (the Typst CLI wants the entry file inside --root, not behind a link).
rm "$P/templates" "$P/fonts" && cp -r templates fonts "$P/"
N=$(( CITIES * $(tr ',' '\n' <<<"$LANGS" | wc -l) ))

measure() { # label, command…: prints "label  seconds  peak-RSS-MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; exit 1; }
  read -r secs kb <"$WORK/time"
  printf '%-46s %8.2f s %8.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "reports: $N ($CITIES cities × $LANGS), jobs: $JOBS"
echo
measure "(a) cityreport build --force, cold" "$BIN" --root "$P" build --force --jobs "$JOBS" -o "$P/out"
measure "(b) cityreport build, nothing changed" "$BIN" --root "$P" build --jobs "$JOBS" -o "$P/out"
f=$P/data/cities/synth-007/en.md
sed -i '0,/^# {#update}$/s//# {#update}\n\n- An item added for the benchmark./' "$f"
measure "(c) cityreport build, one city edited" "$BIN" --root "$P" build --jobs "$JOBS" -o "$P/out"

# The same reports with the Typst CLI: one process per report, as a shell loop would.
mkdir -p "$P/bench-data" "$P/typst-out"
for slug in $(ls "$P/data/cities"); do
  for lang in ${LANGS//,/ }; do
    "$BIN" --root "$P" export-data "$slug" --lang "$lang" >"$P/bench-data/$slug-$lang.json"
  done
done
cat >"$WORK/one.sh" <<EOS
#!/usr/bin/env bash
name=\$(basename "\$1" .json)
exec /usr/bin/time -f "%M" -a -o "$WORK/rss" "$TYPST" compile --root "$P" --font-path "$P/fonts" --ignore-system-fonts \
  --input data=/bench-data/\$name.json "$P/templates/report.typ" "$P/typst-out/\$name.pdf"
EOS
chmod +x "$WORK/one.sh"
: >"$WORK/rss"
measure "(d) typst compile loop, serial" bash -c "for f in $P/bench-data/*.json; do $WORK/one.sh \$f; done"
echo "    largest single typst process: $(( $(sort -n "$WORK/rss" | tail -1) / 1024 )) MB"
: >"$WORK/rss"
measure "(d2) typst compile loop, 2 at a time" bash -c "ls $P/bench-data/*.json | xargs -P 2 -n 1 $WORK/one.sh"

# Checks: every PDF valid; a second cold build is byte-identical.
bad=0
for pdf in "$P"/out/*.pdf; do qpdf --check "$pdf" >/dev/null 2>&1 || { echo "invalid: $pdf"; bad=1; }; done
echo "qpdf --check: $(ls "$P"/out/*.pdf | wc -l) PDFs, $([ $bad = 0 ] && echo all valid || echo SOME INVALID)"
"$BIN" --root "$P" build --force --jobs "$JOBS" -o "$P/out2" 2>/dev/null >/dev/null
if (cd "$P/out" && sha256sum *.pdf manifest.json) | (cd "$P/out2" && sha256sum -c --quiet -); then
  echo "second cold build: byte-identical ($(ls "$P"/out2/*.pdf | wc -l) PDFs and manifest.json)"
else
  echo "second cold build: DIFFERS"
fi
# Each report rendered alone, in a process of its own (no layout reused from another report):
# the same bytes as in the batch.
mkdir -p "$P/alone"
for slug in $(ls "$P/data/cities"); do
  for lang in ${LANGS//,/ }; do
    "$BIN" --root "$P" render "$slug" --lang "$lang" -o "$P/alone" 2>/dev/null >/dev/null
  done
done
differ=0
for pdf in "$P"/out2/*.pdf; do cmp -s "$pdf" "$P/alone/$(basename "$pdf")" || { echo "differs alone: $(basename "$pdf")"; differ=1; }; done
echo "each report rendered alone: $(ls "$P"/alone/*.pdf | wc -l) PDFs, $([ $differ = 0 ] && echo all byte-identical to the batch || echo SOME DIFFER)"
