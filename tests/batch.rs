//! `build` for the website: parallel, incremental, byte-identical, atomic, failures isolated,
//! with a manifest that describes exactly the complete PDFs.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use crate::common::*;
use cityreport::publish::build::Manifest;
use sha2::{Digest, Sha256};

/// A synthetic project with `cities` cities in en, de, fr.
fn synth(cities: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .args(["--root", repo().to_str().unwrap(), "synth", dir.path().to_str().unwrap()])
        .args(["--cities", &cities.to_string(), "--langs", "en,de,fr"])
        .output()
        .unwrap();
    must_succeed(&o);
    dir
}

fn build(root: &Path, extra: &[&str]) -> (std::process::Output, String) {
    let out = root.join("out");
    let mut args = vec!["build", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(root, &args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    (o, stderr)
}

fn manifest(root: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(root.join("out/manifest.json")).unwrap()).unwrap()
}

/// Replaces the first `from` in the file at `path` by `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn pdfs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect()
}

#[test]
fn manifest_describes_every_pdf_exactly() {
    let p = synth(2);
    let (o, _) = build(p.path(), &["--jobs", "2"]);
    must_succeed(&o);
    let m = manifest(p.path());
    assert_eq!(m.reports.len(), 6);
    let keys: Vec<(String, String)> = m.reports.iter().map(|e| (e.city.clone(), e.lang.clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "manifest order is not stable");
    for e in &m.reports {
        let bytes = std::fs::read(p.path().join("out").join(&e.file)).unwrap();
        assert_eq!(e.file, format!("{}-{}.pdf", e.city, e.lang));
        assert_eq!(e.bytes, bytes.len() as u64);
        let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(e.sha256, sha);
        let pdf = Pdf::new(bytes);
        assert_eq!(e.pages, pdf.doc.get_pages().len());
        assert_eq!(Some(e.title.clone()), pdf.info("Title"));
        assert_eq!(e.inputs.len(), 64);
        assert_eq!(e.coverage.total, 13);
    }
    assert_eq!(pdfs(&p.path().join("out")).len(), 6);
    // The web server may read what was published.
    use std::os::unix::fs::PermissionsExt;
    for name in pdfs(&p.path().join("out")).iter().chain(["manifest.json".to_string()].iter()) {
        let mode = std::fs::metadata(p.path().join("out").join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o644, 0o644, "{name} has mode {mode:o}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let p = synth(2);
    let a = p.path().join("a");
    let b = p.path().join("b");
    must_succeed(&run(p.path(), &["build", "-o", a.to_str().unwrap(), "--jobs", "2"]));
    must_succeed(&run(p.path(), &["build", "-o", b.to_str().unwrap(), "--jobs", "1"]));
    for name in pdfs(&a).iter().chain(std::iter::once(&"manifest.json".to_string())) {
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name} differs"
        );
    }
}

/// A city's languages are rendered together so that Typst reuses what one laid out for the
/// others: that must change no byte. Milan in every language, built as one batch (each
/// report after the others of its city, on two workers), is what each report is when
/// rendered alone in a process of its own.
#[test]
fn a_batch_makes_the_same_bytes_as_each_report_rendered_alone() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&repo(), &["build", "--city", "milan", "--jobs", "2", "-o", out.path().to_str().unwrap()]);
    must_succeed(&o);
    let names = pdfs(out.path());
    assert_eq!(names.len(), 7, "{names:?}");
    for name in names {
        let lang = name.trim_start_matches("milan-").trim_end_matches(".pdf");
        let alone = render(&repo(), "milan", lang);
        assert!(
            std::fs::read(out.path().join(&name)).unwrap() == alone,
            "{name} differs from milan in {lang} alone"
        );
    }
}

#[test]
fn unchanged_reports_are_skipped_and_edits_rebuild_only_what_they_touch() {
    let p = synth(3);
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("9 built, 0 unchanged, 0 failed"), "{stderr}");
    let out = p.path().join("out");
    let before = mtime(&out.join("synth-001-en.pdf"));
    std::thread::sleep(Duration::from_millis(20));

    // Nothing changed: nothing is written.
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("0 built, 9 unchanged, 0 failed"), "{stderr}");
    assert_eq!(mtime(&out.join("synth-001-en.pdf")), before);

    // One city's German text: only its German report.
    edit(&p.path().join("data/cities/synth-002/de.md"), "### ", "### Neu ");
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("1 built, 8 unchanged, 0 failed"), "{stderr}");
    assert!(stderr.contains("built synth-002 de"), "{stderr}");

    // The default language's text: every language of that city (they fall back to it).
    edit(&p.path().join("data/cities/synth-003/en.md"), "# {#update}", "# {#update}\n\n- An added item.");
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("3 built, 6 unchanged, 0 failed"), "{stderr}");

    // French fixed strings: every French report.
    edit(&p.path().join("data/i18n/fr.toml"), "Sommaire", "Table des matières");
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("3 built, 6 unchanged, 0 failed"), "{stderr}");

    // A deleted PDF is made again; --force remakes everything.
    std::fs::remove_file(out.join("synth-001-en.pdf")).unwrap();
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("1 built, 8 unchanged"), "{stderr}");
    let (o, stderr) = build(p.path(), &["--force"]);
    must_succeed(&o);
    assert!(stderr.contains("9 built, 0 unchanged"), "{stderr}");
}

#[test]
fn a_template_change_rebuilds_everything() {
    let p = synth(1);
    let templates = own_templates(p.path());
    must_succeed(&build(p.path(), &[]).0);
    edit(&templates.join("theme.typ"), "#FAF11A", "#FAF11B");
    let (o, stderr) = build(p.path(), &[]);
    must_succeed(&o);
    assert!(stderr.contains("3 built, 0 unchanged"), "{stderr}");
}

#[test]
fn a_broken_city_fails_alone_and_keeps_its_previous_pdf() {
    let p = synth(3);
    must_succeed(&build(p.path(), &[]).0);
    let out = p.path().join("out");
    let good = std::fs::read(out.join("synth-002-en.pdf")).unwrap();

    // Break synth-002 (a footnote cited but not defined) and change synth-001.
    edit(&p.path().join("data/cities/synth-002/en.md"), "[^1]", "[^999]");
    edit(&p.path().join("data/cities/synth-001/en.md"), "# {#update}", "# {#update}\n\n- New.");

    let (o, stderr) = build(p.path(), &[]);
    let stderr2 = must_fail(&o);
    assert_eq!(stderr, stderr2);
    assert!(stderr.contains("data/cities/synth-002/en.md:"), "{stderr}");
    assert!(stderr.contains("footnote `[^999]` is cited but not defined"), "{stderr}");
    // Reports are counted: the broken city stops its three.
    assert!(stderr.contains("3 built, 3 unchanged, 3 failed"), "{stderr}");
    // The previous good PDF is untouched and still listed.
    assert!(std::fs::read(out.join("synth-002-en.pdf")).unwrap() == good);
    let m = manifest(p.path());
    assert_eq!(m.reports.len(), 9);
    let entry = m.reports.iter().find(|e| e.file == "synth-002-en.pdf").unwrap();
    assert_eq!(entry.bytes, good.len() as u64);
    // No temporary files are left.
    assert!(
        std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn a_killed_build_leaves_no_truncated_pdf() {
    let p = synth(8);
    let out = p.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .args(["--root", p.path().to_str().unwrap(), "build", "--jobs", "2", "-o", out.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the first PDFs are there, in the middle of the batch.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while std::time::Instant::now() < deadline {
        if out.exists() && pdfs(&out).len() >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let written = pdfs(&out);
    assert!(written.len() < 24, "the build finished before it could be killed");
    for name in &written {
        let bytes = std::fs::read(out.join(name)).unwrap();
        let pdf =
            lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{name} is not a complete PDF: {e}"));
        assert!(!pdf.get_pages().is_empty(), "{name} has no pages");
    }
    // The next build cleans up and completes; the manifest lists every report.
    must_succeed(&build(p.path(), &[]).0);
    assert_eq!(manifest(p.path()).reports.len(), 24);
    assert!(
        std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn shards_split_the_batch_without_overlap() {
    let p = synth(3);
    let mut seen = BTreeSet::new();
    for k in 1..=4 {
        let dir = p.path().join(format!("shard{k}"));
        let shard = format!("{k}/4");
        must_succeed(&run(p.path(), &["build", "--shard", &shard, "-o", dir.to_str().unwrap()]));
        for name in pdfs(&dir) {
            assert!(seen.insert(name.clone()), "{name} is in two shards");
        }
    }
    assert_eq!(seen.len(), 9);
    let stderr = must_fail(&run(p.path(), &["build", "--shard", "5/4"]));
    assert!(stderr.contains("K must be between 1 and N"), "{stderr}");
}

#[test]
fn selection_by_city_and_language() {
    let p = synth(3);
    let (o, stderr) = build(p.path(), &["--city", "synth-002", "--lang", "de,fr"]);
    must_succeed(&o);
    assert!(stderr.contains("2 built"), "{stderr}");
    assert_eq!(
        pdfs(&p.path().join("out")),
        BTreeSet::from(["synth-002-de.pdf".to_string(), "synth-002-fr.pdf".to_string()])
    );
    // A later full build keeps their manifest entries and adds the rest.
    must_succeed(&build(p.path(), &[]).0);
    assert_eq!(manifest(p.path()).reports.len(), 9);
}

#[test]
fn export_data_prints_what_the_template_receives() {
    let o = run(&repo(), &["export-data", "milan", "--lang", "de"]);
    must_succeed(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lang"], "de");
    assert_eq!(v["city"], "Mailand");
    assert_eq!(v["sections"][0]["id"], "abstract");
    assert_eq!(v["sections"][0]["lang"], "de");
    assert_eq!(v["sections"][1]["fallback"], true);
    assert_eq!(v["figures"][0]["value"]["content"][0]["text"], "1.398.765");
}

/// Every entry of the manifest in `out` (if there is one) names a file that is there, with
/// the size and checksum the entry says; every PDF there is complete.
#[track_caller]
fn assert_manifest_true(out: &Path, when: &str) {
    if let Ok(bytes) = std::fs::read(out.join("manifest.json")) {
        let m: Manifest = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{when}: the manifest is not JSON: {e}"));
        for e in &m.reports {
            let file = std::fs::read(out.join(&e.file))
                .unwrap_or_else(|_| panic!("{when}: {} is listed but missing", e.file));
            assert_eq!(file.len() as u64, e.bytes, "{when}: {} has another size than listed", e.file);
            let sha: String = Sha256::digest(&file).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(sha, e.sha256, "{when}: {} has another checksum than listed", e.file);
        }
    }
    for name in pdfs(out) {
        let bytes = std::fs::read(out.join(&name)).unwrap();
        assert!(lopdf::Document::load_mem(&bytes).is_ok(), "{when}: {name} is not a complete PDF");
    }
}

/// A build killed at 24 points of a rebuild of changed data (from just after the start to the
/// last reports), the data changing between kills: at every stop, the manifest matches the
/// files; a build that finishes then lists every report.
#[test]
fn killed_at_random_points_the_manifest_always_matches_its_files() {
    let p = synth(4);
    let out = p.path().join("out");
    must_succeed(&build(p.path(), &[]).0);
    let full = std::time::Instant::now();
    must_succeed(&build(p.path(), &["--force"]).0);
    let cold = full.elapsed().as_millis() as u64;
    // A small fixed-seed generator: the points differ from kill to kill, and from run to run
    // of the test only through the machine's speed.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..24 {
        // Change every city, so that every report is rebuilt.
        for city in 1..=4 {
            let f = p.path().join(format!("data/cities/synth-{city:03}/en.md"));
            let text = std::fs::read_to_string(&f).unwrap();
            std::fs::write(
                &f,
                text.replacen("# {#update}\n", &format!("# {{#update}}\n\n- Round {round}.\n"), 1),
            )
            .unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_cityreport"))
            .args(["--root", p.path().to_str().unwrap(), "build", "--jobs", "2", "-o", out.to_str().unwrap()])
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(next() % (cold + 50)));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_manifest_true(&out, &format!("kill {round}"));
    }
    must_succeed(&build(p.path(), &[]).0);
    assert_manifest_true(&out, "after a finished build");
    assert_eq!(manifest(p.path()).reports.len(), 12);
    assert_eq!(pdfs(&out).len(), 12);
}

/// Two builds into the same folder at once (a cron job and an editor): the second waits for
/// the first, saying so; nothing is lost and the manifest lists every file, each as it is.
#[test]
fn two_builds_into_one_folder_take_turns_and_lose_nothing() {
    let p = synth(4);
    let out = p.path().join("out");
    let start = |cities: &str| {
        Command::new(env!("CARGO_BIN_EXE_cityreport"))
            .args(["--root", p.path().to_str().unwrap(), "build", "--jobs", "1", "--city", cities])
            .args(["-o", out.to_str().unwrap()])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let first = start("synth-001,synth-002");
    // Let the first take the lock.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !out.join(".cityreport.lock").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = start("synth-003,synth-004");
    let (a, b) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    let waited = String::from_utf8_lossy(&b.stderr);
    assert!(
        waited.contains("another cityreport build is writing to")
            || String::from_utf8_lossy(&a.stderr).contains("another cityreport build"),
        "neither build waited: {waited}"
    );
    assert_manifest_true(&out, "after two builds");
    assert_eq!(manifest(p.path()).reports.len(), 12, "entries were lost");
    assert_eq!(pdfs(&out).len(), 12);
}

/// A folder in data/cities/ that is not a slug, and a broken data/i18n file: each fails alone
/// with its located error; every other report is made, and the exit status is 1.
#[test]
fn a_bad_city_folder_or_a_broken_language_fails_alone() {
    let p = synth(2);
    std::fs::create_dir(p.path().join("data/cities/New York")).unwrap();
    edit(&p.path().join("data/i18n/de.toml"), "contents = ", "contens = ");
    let (o, stderr) = build(p.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("data/cities/New York: a city folder name must be a slug"), "{stderr}");
    assert!(stderr.contains("not built: every report in `de`"), "{stderr}");
    assert!(stderr.contains("unknown key `contens`") && stderr.contains("data/i18n/de.toml:"), "{stderr}");
    // Reports are counted: `de` stops two, and the folder counts as one.
    assert!(stderr.contains("4 built, 0 unchanged, 3 failed"), "{stderr}");
    let built = pdfs(&p.path().join("out"));
    assert_eq!(built.len(), 4);
    assert!(built.iter().all(|f| !f.contains("-de")), "{built:?}");
    // `check` reports both and fails; the other languages' coverage is still printed.
    let check = run(p.path(), &["check"]);
    let stderr = must_fail(&check);
    assert!(
        stderr.contains("New York") && stderr.contains("contens") && stderr.contains("synth-001 fr:"),
        "{stderr}"
    );
}
