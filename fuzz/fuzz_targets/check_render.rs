//! `check` passing means `build` passes: the input is a city's `en.md`; whatever `check`
//! accepts (its data, then every kind of file typeset) must also make a bundle of two such
//! cities, and whatever it refuses must be refused with places in the data. Built with the feature `render` (it typesets, so it takes
//! the whole `cityreport` crate and Typst).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cityreport::publish::check::{CheckOptions, Finding};
use cityreport::report::output::{Output, Profile};
use libfuzzer_sys::fuzz_target;

/// A project with the tiny test city, made once per process in the temporary folder; the
/// repository's templates and fonts are linked into it.
fn project() -> &'static (PathBuf, cityreport::Project) {
    static PROJECT: OnceLock<(PathBuf, cityreport::Project)> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let root = std::env::temp_dir().join(format!("cityreport-fuzz-{}", std::process::id()));
        let city = root.join("data/cities/tiny");
        std::fs::create_dir_all(&city).unwrap();
        copy(&repo.join("data/i18n"), &root.join("data/i18n"));
        std::fs::copy(repo.join("data/site.toml"), root.join("data/site.toml")).unwrap();
        let fixture = repo.join("tests/fixtures/tiny/cities/tiny");
        std::fs::copy(fixture.join("city.toml"), city.join("city.toml")).unwrap();
        std::fs::copy(fixture.join("en.md"), city.join("en.md")).unwrap();
        for link in ["templates", "fonts"] {
            let _ = std::os::unix::fs::symlink(repo.join(link), root.join(link));
        }
        let project = cityreport::Project::open(&root).expect("the tiny project opens");
        (root, project)
    })
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fuzz_target!(|data: &[u8]| {
    let (root, first) = project();
    std::fs::write(root.join("data/cities/tiny/en.md"), data).unwrap();
    // The data read again, the fonts shared.
    let project = match first.reopen(false) {
        Ok(p) => p,
        Err(e) => panic!("the site's files did not change, yet: {e}"),
    };
    // What `check` does (the data, the pictures, every kind of file typeset and proofed):
    // what it refuses is located in the data or is the proof's finding on a page; what it
    // accepts, `build` makes (the same code).
    let options = CheckOptions { cities: vec!["tiny".into()], ..CheckOptions::default() };
    let report = project.check(&options);
    for finding in &report.findings {
        let (file, diagnostics) = match finding {
            Finding::Diagnostics(d) => ("tiny", d),
            Finding::Refused { refused, .. } => (refused.file.as_str(), &refused.diagnostics),
            Finding::Coverage { .. } => continue,
        };
        for e in diagnostics.0.iter().filter(|e| !e.warning) {
            let proof = e.hints.iter().any(|h| h.contains("proof rule"));
            assert!(proof || (e.text.is_some() && e.path.starts_with("data")), "{file}: not located in the data: {e}");
        }
    }
    if !report.passed {
        return;
    }
    // A bundle of two cities that pass (the same text twice: every name a template makes from
    // it, labels of notes cited again among them, must stay unique) is made too.
    let two = root.join("data/cities/tiny-two");
    std::fs::create_dir_all(&two).unwrap();
    std::fs::write(two.join("en.md"), data).unwrap();
    std::fs::copy(root.join("data/cities/tiny/city.toml"), two.join("city.toml")).unwrap();
    let project = first.reopen(false).expect("the site's files did not change");
    let output = Output::new(Profile::Print, None, true).unwrap();
    let cities = ["tiny".to_string(), "tiny-two".to_string()];
    let made = project
        .bundle(&cities, "en", output, None)
        .and_then(|b| project.make(cityreport::make::Source::Bundle(&b), output, "bundle.pdf"));
    if let Err(d) = made {
        let proof_only = d.0.iter().all(|e| e.hints.iter().any(|h| h.contains("proof rule")));
        assert!(proof_only, "check accepted this, but a bundle of it failed:\n{d}");
    }
    std::fs::remove_dir_all(&two).unwrap();
    // Bounded memory over a long run, as a batch does.
    typst::comemo::evict(10);
});
