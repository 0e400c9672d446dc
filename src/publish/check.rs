//! `check`'s typesetting: every report of a city in one language, made as every kind of file
//! (web, archive, print A4 and A5, booklet) and proofed, nothing written, so that whatever a
//! template, the proof or the PDF export could refuse is found by `check` and `build` then
//! passes. What passed is remembered by its inputs hash (the one `build` skips by) in
//! [`CHECKED`], so a check after one edit typesets only what the edit changed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::Project;
use crate::data::City;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::publish::inputs::{inputs_hash, shared_digest};
use crate::report::output::{Output, Paper, Profile};

/// The file, in the project folder, that remembers the inputs hashes that passed.
pub const CHECKED: &str = ".cityreport/checked";

/// The kinds of file `check` makes: every profile and paper, and the booklet.
pub const KINDS: [(Profile, Option<Paper>, bool); 5] = [
    (Profile::Web, None, false),
    (Profile::Archive, None, false),
    (Profile::Print, Some(Paper::A4), false),
    (Profile::Print, Some(Paper::A5), false),
    (Profile::Print, None, true),
];

/// The inputs hashes that passed, read from [`CHECKED`] and written back with the new ones;
/// and what every report of each of the [`KINDS`] shares (templates, fonts, the print profile),
/// hashed once for the whole check.
#[derive(Debug)]
pub struct Checked {
    path: PathBuf,
    passed: Mutex<BTreeSet<String>>,
    shared: Vec<Vec<u8>>,
}

impl Checked {
    /// The project's record (empty when there is none, or it cannot be read).
    pub fn open(project: &Project) -> Self {
        let path = project.data().root.join(CHECKED);
        let text = crate::data::read_regular(&path, 16 << 20).ok().and_then(|b| String::from_utf8(b).ok());
        let passed = text.map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
        Self { passed: Mutex::new(passed), ..Self::none(project) }
    }

    /// An empty record (for `--force`): everything is typeset, what passes is remembered.
    pub fn none(project: &Project) -> Self {
        let shared = KINDS
            .iter()
            .map(|&(profile, paper, booklet)| match Output::new(profile, paper, booklet) {
                Ok(output) => shared_digest(project, output, None),
                Err(_) => Vec::new(),
            })
            .collect();
        Self { path: project.data().root.join(CHECKED), passed: Mutex::default(), shared }
    }

    fn knows(&self, hash: &str) -> bool {
        self.passed.lock().is_ok_and(|p| p.contains(hash))
    }

    fn remember(&self, hash: String) {
        if let Ok(mut p) = self.passed.lock() {
            p.insert(hash);
        }
    }

    /// Writes the record back (atomically; the latest 20,000 entries are plenty for any
    /// project). A record that cannot be written only makes the next check slower.
    pub fn save(&self) {
        let Ok(passed) = self.passed.lock() else { return };
        let text: String = passed.iter().take(20_000).map(|h| format!("{h}\n")).collect();
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::publish::outdir::write_atomic(&self.path, text.as_bytes());
    }
}

/// One kind of file that could not be made: its file name and why.
#[derive(Debug)]
pub struct Refused {
    /// The file that could not be made, e.g. `milan-de-booklet.pdf`.
    pub file: String,
    /// Why.
    pub diagnostics: Diagnostics,
}

/// What typesetting one city in one language as every kind of file found.
#[derive(Debug, Default)]
pub struct Typeset {
    /// The warnings of the files made.
    pub warnings: Vec<Diagnostic>,
    /// Each kind that could not be made.
    pub refused: Vec<Refused>,
    /// How many kinds were typeset.
    pub typeset: usize,
    /// How many were skipped: their inputs passed before.
    pub unchanged: usize,
}

/// Typesets `city` in `lang` as every kind of file, skipping the kinds whose inputs passed
/// before.
pub fn typeset_every_kind(project: &Project, city: &City, lang: &str, checked: &Checked) -> Typeset {
    let mut out = Typeset::default();
    let (warnings, refused) = (&mut out.warnings, &mut out.refused);
    for (&(profile, paper, booklet), shared) in KINDS.iter().zip(&checked.shared) {
        let Ok(output) = Output::new(profile, paper, booklet) else { continue };
        let file = output.file_name(&city.slug, lang);
        let report = match project.report(city, lang, output.report()) {
            Ok(r) => r,
            Err(diagnostics) => {
                refused.push(Refused { file, diagnostics });
                continue;
            }
        };
        let hash = inputs_hash(shared, &report.json(&[]), city, &project.data().root);
        if checked.knows(&hash) {
            out.unchanged += 1;
            continue;
        }
        out.typeset += 1;
        match project.make(crate::make::Source::Report(&report), output, &file) {
            Ok(r) if r.warnings.is_empty() => checked.remember(hash),
            // Warnings are said again at every check, so the report is typeset again.
            Ok(r) => warnings.extend(r.warnings),
            Err(diagnostics) => refused.push(Refused { file, diagnostics }),
        }
    }
    // A long check holds no more of Typst's caches than a build does.
    typst::comemo::evict(crate::publish::build::EVICT_AGE);
    out
}
