//! Every web file passes PDF/UA-1 and every archive file PDF/A-2a and PDF/UA-1, in the
//! independent checkers `scripts/check-standards.sh` runs (`page`, `pdfua`, `outloud`, from
//! PyPI), over Milan in every language and the corpus of real-shaped cities. The checkers live
//! in a virtual environment at `target/standards-venv` (the script makes it; `.ci/run` too);
//! without it this test says so and skips.

use std::process::Command;

use crate::common::{must_succeed, repo, run};

#[test]
fn web_and_archive_files_pass_the_standards_checkers() {
    if !repo().join("target/standards-venv/bin/outloud").exists() {
        eprintln!(
            "the standards checkers are not installed (scripts/check-standards.sh installs them): skipped"
        );
        return;
    }
    let out = tempfile::tempdir().unwrap();
    for profile in ["web", "archive"] {
        must_succeed(&run(&repo(), &["build", "--profile", profile, "-o", out.path().to_str().unwrap()]));
    }
    // The corpus, built once for the corpus tests, in both kinds.
    let corpus = crate::corpus::corpus();
    for folder in ["out", "out-archive"] {
        for entry in std::fs::read_dir(corpus.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pdf") {
                std::fs::copy(&path, out.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let files = std::fs::read_dir(out.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert!(files >= 2 * (7 + 8 * 7), "{files} files");
    let checked = Command::new(repo().join("scripts/check-standards.sh")).arg(out.path()).output().unwrap();
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "a file fails a standard it declares:\n{report}\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    // Every file was checked: a PDF/A-2a line for each archive file.
    let archive = report.lines().filter(|l| l.starts_with("page  2a  pass")).count();
    assert_eq!(archive, files / 2, "{report}");
}
