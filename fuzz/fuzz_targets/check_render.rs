//! `check` passing means `build` passes: the input is a city's `en.md`; whatever `check`
//! accepts must render as a web, print and archive file, and whatever it refuses must be
//! refused with places in the data. Built with the feature `render` (it typesets, so it takes
//! the whole `cityreport` crate and Typst).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cityreport::report::output::{Output, Paper, Profile};
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
    let city = match project.city("tiny") {
        Ok(city) => city,
        Err(d) => {
            for e in d.0.iter().filter(|e| !e.warning) {
                assert!(e.text.is_some() && e.path.starts_with("data"), "an error not located in the data: {e}");
            }
            return;
        }
    };
    let kinds = [
        Output::WEB,
        Output::new(Profile::Print, Some(Paper::A4), false).unwrap(),
        Output::new(Profile::Archive, None, false).unwrap(),
    ];
    for output in kinds {
        let made = project.report(&city, "en", output).and_then(|r| cityreport::print::make(&project, &r, output));
        if let Err(d) = made {
            // A page that cannot hold its box (proof) is found by `check --typeset`, not `check`.
            let proof_only = d.0.iter().all(|e| e.hints.iter().any(|h| h.contains("proof rule")));
            assert!(proof_only, "check accepted this, but the {} file failed:\n{d}", output.profile);
        }
    }
    // Bounded memory over a long run, as a batch does.
    typst::comemo::evict(10);
});
