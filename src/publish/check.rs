//! `check`: [`Project::check`] reads the site's strings, each city and its pictures, then
//! makes every report of a city in one language as every kind of file (web, archive, print A4
//! and A5, booklet) and proofs it, writing nothing, so that whatever a template, the proof or
//! the PDF export could refuse is found by `check` and `build` then passes. What passed is
//! remembered by its inputs hash (the one `build` skips by) in [`CHECKED`], so a check after
//! one edit typesets only what the edit changed.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

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
struct Record {
    path: PathBuf,
    passed: Mutex<BTreeSet<String>>,
    shared: Vec<Vec<u8>>,
}

impl Record {
    /// The project's record (empty when there is none, or it cannot be read).
    fn open(project: &Project) -> Self {
        let path = project.data().root.join(CHECKED);
        let text = crate::data::read_regular(&path, 16 << 20).ok().and_then(|b| String::from_utf8(b).ok());
        let passed = text.map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
        Self { passed: Mutex::new(passed), ..Self::none(project) }
    }

    /// An empty record (for `--force`): everything is typeset, what passes is remembered.
    fn none(project: &Project) -> Self {
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
    fn save(&self) {
        let Ok(passed) = self.passed.lock() else { return };
        let text: String = passed.iter().take(20_000).map(|h| format!("{h}\n")).collect();
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::data::write_atomic(&self.path, text.as_bytes());
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
struct Tally {
    /// The warnings of the files made.
    warnings: Vec<Diagnostic>,
    /// Each kind that could not be made.
    refused: Vec<Refused>,
    /// How many kinds were typeset.
    typeset: usize,
    /// How many were skipped: their inputs passed before.
    unchanged: usize,
}

/// Typesets `city` in `lang` as every kind of file, skipping the kinds whose inputs passed
/// before.
fn typeset_every_kind(project: &Project, city: &City, lang: &str, record: &Record) -> Tally {
    let mut out = Tally::default();
    let (warnings, refused) = (&mut out.warnings, &mut out.refused);
    for (&(profile, paper, booklet), shared) in KINDS.iter().zip(&record.shared) {
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
        if record.knows(&hash) {
            out.unchanged += 1;
            continue;
        }
        out.typeset += 1;
        match project.make(crate::make::Source::Report(&report), output, &file) {
            Ok(r) if r.warnings.is_empty() => record.remember(hash),
            // Warnings are said again at every check, so the report is typeset again.
            Ok(r) => warnings.extend(r.warnings),
            Err(diagnostics) => refused.push(Refused { file, diagnostics }),
        }
    }
    // A long check holds no more of Typst's caches than a build does.
    typst::comemo::evict(crate::publish::build::EVICT_AGE);
    out
}

/// What [`Project::check`] is asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The cities to check; every city (and the folders that cannot be cities) when empty.
    pub cities: Vec<String>,
    /// Check the data only: typeset nothing.
    pub data_only: bool,
    /// Typeset every report again, even those whose inputs passed before.
    pub force: bool,
    /// Remember what passed in the project's record ([`CHECKED`]) for the next check.
    pub remember: bool,
}

/// One thing a check found, in the order it is told.
#[derive(Debug)]
pub enum Finding {
    /// Errors or warnings: in a language's strings, a city's data or pictures, or a file's
    /// typesetting (a warning about a city's file, found in each language and kind, once).
    Diagnostics(Diagnostics),
    /// A translation's coverage, then its outdated parts: a line each.
    Coverage {
        /// The city.
        slug: String,
        /// The language.
        lang: String,
        /// What to say.
        lines: Vec<String>,
    },
    /// A kind of file of a city in a language that could not be made.
    Refused {
        /// The city.
        slug: String,
        /// The language.
        lang: String,
        /// The file and why.
        refused: Refused,
    },
}

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Everything found, in order.
    pub findings: Vec<Finding>,
    /// Whether nothing was wrong (warnings allowed).
    pub passed: bool,
    /// How many cities were asked for.
    pub cities: usize,
    /// How many files were typeset and how many were skipped as unchanged since they passed;
    /// `None` for a check of the data only.
    pub files: Option<(usize, usize)>,
}

impl Project {
    /// Checks cities as `options` says: the languages' fixed strings, each city's data and
    /// pictures, the translations' coverage, then (unless `data_only`) every report of every
    /// city in every language made as every kind of file and proofed, on every core, writing
    /// nothing but the record of what passed. If the check passes, `build`, `render` and
    /// `bundle` pass on the same data.
    pub fn check(&self, options: &CheckOptions) -> CheckReport {
        let all = options.cities.is_empty();
        let slugs = if all { self.cities().to_vec() } else { options.cities.clone() };
        let mut report = CheckReport { passed: true, cities: slugs.len(), ..CheckReport::default() };
        for lang in self.languages() {
            if let Some(d) = self.language_problems(lang) {
                report.fail(d.clone());
            }
        }
        if all {
            for (_, d) in self.bad_cities() {
                report.fail(d.clone().into());
            }
        }
        let cities: Vec<City> = slugs.iter().filter_map(|slug| self.check_city(slug, &mut report)).collect();
        if !options.data_only {
            report.files = Some(self.typeset_cities(&cities, options, &mut report));
        }
        report
    }

    /// Loads `slug` and checks its pictures, telling what was found and the coverage of its
    /// translations; the city if it can be typeset.
    fn check_city(&self, slug: &str, report: &mut CheckReport) -> Option<City> {
        let city = match self.city(slug) {
            Ok(city) => city,
            Err(d) => {
                report.passed &= !d.has_errors();
                report.findings.push(Finding::Diagnostics(d));
                return None;
            }
        };
        report.findings.push(Finding::Diagnostics(Diagnostics(city.warnings.clone())));
        if let Err(d) = self.verify_pictures(&city) {
            report.fail(d);
            return None;
        }
        let default = &self.data().site.default_language;
        for lang in self.languages().iter().filter(|l| *l != default) {
            // A broken language was reported already, once.
            let Ok(r) = self.report(&city, lang, crate::Output::WEB) else { continue };
            let mut lines = vec![r.coverage.summary(default)];
            lines.extend(r.coverage.outdated_lines(default));
            report.findings.push(Finding::Coverage { slug: city.slug.clone(), lang: lang.clone(), lines });
        }
        Some(city)
    }

    /// Typesets every city in every usable language as every kind of file, in parallel (what
    /// passed before with the same inputs skipped unless `force`); how many files were
    /// typeset and skipped.
    fn typeset_cities(
        &self,
        cities: &[City],
        options: &CheckOptions,
        report: &mut CheckReport,
    ) -> (usize, usize) {
        let record = if options.force { Record::none(self) } else { Record::open(self) };
        let pairs: Vec<(&City, &String)> = cities
            .iter()
            .flat_map(|c| {
                self.languages().iter().filter(|l| self.language_problems(l).is_none()).map(move |l| (c, l))
            })
            .collect();
        let results: Vec<Tally> =
            pairs.par_iter().map(|(city, lang)| typeset_every_kind(self, city, lang, &record)).collect();
        if options.remember {
            record.save();
        }
        let (mut typeset, mut unchanged) = (0, 0);
        let mut said = HashSet::new();
        for ((city, lang), t) in pairs.iter().zip(results) {
            (typeset, unchanged) = (typeset + t.typeset, unchanged + t.unchanged);
            let fresh = t
                .warnings
                .into_iter()
                .filter(|w| said.insert((w.path.clone(), w.range.clone(), w.message.clone())));
            report.findings.push(Finding::Diagnostics(Diagnostics(fresh.collect())));
            for refused in t.refused {
                report.passed &= !refused.diagnostics.has_errors();
                let (slug, lang) = (city.slug.clone(), lang.to_string());
                report.findings.push(Finding::Refused { slug, lang, refused });
            }
        }
        (typeset, unchanged)
    }
}

impl CheckReport {
    /// Tells `d` and fails the check.
    fn fail(&mut self, d: Diagnostics) {
        self.passed = false;
        self.findings.push(Finding::Diagnostics(d));
    }
}
