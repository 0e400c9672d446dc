#!/usr/bin/env bash
# Independent checks of the PDF standards every output declares, with checkers that install
# from PyPI (veraPDF, the reference checker, is a Java program on Maven Central and GitHub,
# neither of which this project's machines reach):
#
#   page (PyPI `page-validation`, MIT)  PDF/UA-1 on every web and archive file, PDF/A-2a on
#                                       every archive file: the Matterhorn / ISO rules it has
#   pdfua (PyPI `pdfua`, MIT)           the machine-checkable subset of PDF/UA-1 and WCAG 2.1
#   outloud (PyPI `outloud`, Apache-2)  PDF/UA-1 conformance plus semantic checks (empty
#                                       labels, reading order against paint order, …)
#
#   scripts/check-standards.sh [OUT]   default: a fresh build of every report, web and archive
#
# Makes a Python virtual environment under target/ on first use. Prints one line per file and
# checker; exits 1 if `page` or `pdfua` finds an error, or outloud an error (its warnings are
# printed, not fatal).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/standards-venv
if [ ! -x "$VENV/bin/outloud" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet page-validation==0.11.0 pdfua==0.1.3 outloud==0.2.1
fi
OUT=${1:-}
if [ -z "$OUT" ]; then
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
  cargo build --release --quiet
  target/release/cityreport build -o "$OUT" >/dev/null 2>&1
  target/release/cityreport build --profile archive -o "$OUT" >/dev/null 2>&1
fi

status=0
"$VENV/bin/python" - "$OUT" <<'PY' || status=1
import glob, os, sys
import page
failed = False
files = sorted(f for f in glob.glob(os.path.join(sys.argv[1], "*.pdf"))
               if not f.endswith(("-print.pdf", "-booklet.pdf")))
for f in files:
    for profile in ["ua1"] + (["2a"] if f.endswith("-archive.pdf") else []):
        r = page.validate_pdf(f, profile=profile)
        verdict = "pass" if r.is_compliant else "FAIL"
        print(f"page {profile:>3}  {verdict}  {r.rules.total} rules, {r.rules.failed} failed  {os.path.basename(f)}")
        for x in r.failures:
            print(f"    {x.rule_id}: {x.message}")
        failed |= not r.is_compliant
sys.exit(1 if failed else 0)
PY
for f in "$OUT"/*.pdf; do
  case $f in *-print.pdf|*-booklet.pdf) continue ;; esac
  # pdfua: 0 clean, 1 info, 2 warnings, 3 errors.
  rc=0; "$VENV/bin/pdfua" check "$f" >"$OUT/.pdfua.txt" 2>&1 || rc=$?
  echo "pdfua      rc=$rc  $(grep -m1 'result:' "$OUT/.pdfua.txt" | xargs)  $(basename "$f")"
  [ "$rc" -ge 3 ] && { cat "$OUT/.pdfua.txt"; status=1; }
done
rc=0
"$VENV/bin/outloud" --no-info --fail-on error $(ls "$OUT"/*.pdf | grep -v -e '-print.pdf$' -e '-booklet.pdf$') || rc=$?
[ "$rc" -ne 0 ] && status=1
exit $status
