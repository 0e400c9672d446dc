#!/usr/bin/env python3
"""Benchmark of `cityreport watch` against `typst watch`: the time from saving a one-paragraph
edit of Milan's English text to the new PDF being in place, over 20 edits (median and range).

    scripts/bench-watch.py [EDITS]

cityreport watches data/cities/milan/en.md; typst watches the same templates with the JSON
`cityreport export-data milan --lang en` prints (the edit made to the same sentence there).
Needs a release build (`cargo build --release`) and the Typst CLI of the library's version
(`cargo install typst-cli --version 0.15.1 --locked`; set TYPST to its path if it is not on
PATH). Only the standard library of Python 3.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "target", "release", "cityreport")
TYPST = os.environ.get("TYPST", shutil.which("typst") or "typst")
EDITS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
SENTENCE = "Milan responded with a strategy"


def stamp(path):
    """The file's identity and time: a new file renamed into place changes it."""
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        return None


def complete(path):
    try:
        with open(path, "rb") as f:
            f.seek(-1024, os.SEEK_END)
            return b"%%EOF" in f.read()
    except OSError:
        return False


def wait_for_change(path, before, timeout=30.0):
    """Seconds until `path` differs from `before` and is a whole PDF."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        now = stamp(path)
        if now is not None and now != before and complete(path):
            return time.perf_counter() - start
        time.sleep(0.0005)
    raise TimeoutError(f"{path} did not change")


def run(name, source, pdf, command, cwd):
    """Starts `command`, waits for its first PDF, then edits `source` EDITS times."""
    text = open(source, encoding="utf-8").read()
    assert SENTENCE in text, source
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_change(pdf, None, timeout=120)
        time.sleep(1.0)
        times = []
        for i in range(EDITS):
            before = stamp(pdf)
            edited = text.replace(SENTENCE, f"Milan responded (edit {i}) with a strategy")
            tmp = source + ".new"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(edited)
            os.replace(tmp, source)  # as editors save: a whole new file
            times.append(wait_for_change(pdf, before))
            time.sleep(0.5)
        ms = [t * 1000 for t in times]
        print(f"{name:<22} median {statistics.median(ms):6.0f} ms   "
              f"min {min(ms):4.0f}   max {max(ms):4.0f}   ({EDITS} edits)")
    finally:
        proc.terminate()
        proc.wait()


def main():
    work = tempfile.mkdtemp()
    try:
        p = os.path.join(work, "p")
        os.makedirs(p)
        for d in ("data", "templates", "fonts"):
            shutil.copytree(os.path.join(REPO, d), os.path.join(p, d))
        json_path = os.path.join(p, "report.json")
        with open(json_path, "wb") as f:
            f.write(subprocess.check_output([BIN, "--root", p, "export-data", "milan", "--lang", "en"]))
        print(f"machine: {os.cpu_count()} cores; typst: "
              + subprocess.check_output([TYPST, "--version"], text=True).strip())
        run("cityreport watch", os.path.join(p, "data", "cities", "milan", "en.md"),
            os.path.join(p, "out", "milan-en.pdf"),
            [BIN, "--root", p, "watch", "milan", "--lang", "en", "-o", os.path.join(p, "out")], p)
        run("typst watch", json_path, os.path.join(p, "typst.pdf"),
            [TYPST, "watch", "--root", p, "--font-path", os.path.join(p, "fonts"), "--ignore-system-fonts",
             "--input", "data=/report.json", os.path.join(p, "templates", "report.typ"),
             os.path.join(p, "typst.pdf")], p)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
