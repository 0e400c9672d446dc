//! Building many reports: select cities and languages (and a shard), skip what is
//! unchanged, render the rest in parallel, write each PDF atomically, and keep
//! `manifest.json` describing exactly the complete PDFs in the output folder.
//!
//! One broken city or language does not stop the others: its errors are collected and the
//! batch goes on; the caller decides the exit status.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Project;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::localize::Coverage;
use crate::model::City;
use crate::output::{Output, Paper, Profile};

/// How many reports a cached Typst result may go unused before it is evicted. Measured on
/// 200 synthetic reports with 2 jobs: age 0 → 100 MB peak RSS, 8 → 200 MB, 16 → 314 MB, with
/// no measurable gain in speed above 2 (`examples/profile_stages.rs`).
const EVICT_AGE: usize = 4;

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The output folder.
    pub out: PathBuf,
    /// Cities to build; empty means all.
    pub cities: Vec<String>,
    /// Languages to build; empty means all of the site's.
    pub langs: Vec<String>,
    /// Reports rendered at once.
    pub jobs: usize,
    /// Rebuild even what is unchanged.
    pub force: bool,
    /// Only the `k`-th of `n` shares of the reports (1-based), for spreading a batch over
    /// several machines.
    pub shard: Option<(usize, usize)>,
    /// Also write every page as `<slug>-<lang>-<page>.png` at this many pixels per point.
    pub png: Option<f64>,
    /// The kind of file: web, print, booklet.
    pub output: Output,
}

/// What happened to one report, reported as it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Built,
    Unchanged,
    Failed,
}

/// The manifest entry of one complete PDF: what the website needs to link to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub city: String,
    pub lang: String,
    /// `web` or `print` (older manifests have no profile: they list web files).
    #[serde(default)]
    pub profile: Profile,
    /// The trimmed page size of a print file (`a4`, `a5`); a booklet's pages are A5 on A4 sheets.
    #[serde(default, skip_serializing_if = "is_web")]
    pub paper: Option<Paper>,
    /// Whether the file is a booklet (A5 pages imposed on A4 sheets for saddle stitching).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub booklet: bool,
    pub title: String,
    pub file: String,
    pub bytes: u64,
    pub pages: usize,
    pub sha256: String,
    /// Hash of everything the report was made from; unchanged inputs mean an unchanged PDF.
    pub inputs: String,
    pub coverage: Coverage,
}

/// `manifest.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    /// Sorted by city, then language.
    pub reports: Vec<Entry>,
}

/// A city or report that could not be built.
#[derive(Debug, Clone)]
pub struct Failure {
    pub slug: String,
    /// `None` when the city's data as a whole is broken.
    pub lang: Option<String>,
    pub diagnostics: Diagnostics,
}

/// The outcome of a build.
#[derive(Debug, Default)]
pub struct Summary {
    /// Reports written in this run.
    pub built: Vec<Entry>,
    /// Reports whose inputs had not changed.
    pub unchanged: Vec<Entry>,
    pub failed: Vec<Failure>,
    /// Problems in the data or templates that did not stop any report.
    pub warnings: Vec<Diagnostic>,
    pub seconds: f64,
}

fn is_web(paper: &Option<Paper>) -> bool {
    paper.is_none()
}

/// One report to make.
struct Job<'a> {
    city: &'a City,
    lang: String,
    json: Vec<u8>,
    report: crate::Report,
    inputs: String,
}

/// Builds the selected reports into `options.out`. `progress` is called (from any thread)
/// with the total number of reports first, then once per report.
pub fn build(
    project: &Project,
    options: &Options,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> anyhow::Result<Summary> {
    let start = Instant::now();
    let pairs = plan(project, options)?;
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create the output folder {}", options.out.display()))?;
    remove_stale_temporaries(&options.out);

    let mut summary = Summary::default();
    let mut loaded: BTreeMap<String, City> = BTreeMap::new();
    for (slug, _) in &pairs {
        if loaded.contains_key(slug) || summary.failed.iter().any(|f| &f.slug == slug) {
            continue;
        }
        match project.city(slug) {
            Ok(city) => {
                summary.warnings.extend(city.warnings.iter().cloned());
                loaded.insert(slug.clone(), city);
            }
            Err(diagnostics) => summary.failed.push(Failure { slug: slug.clone(), lang: None, diagnostics }),
        }
    }
    let shared = shared_digest(project, options);
    let jobs: Vec<Job> = pairs
        .iter()
        .filter_map(|(slug, lang)| {
            let city = loaded.get(slug)?;
            let report = project.report(city, lang, options.output);
            let json = crate::render::report_json(&report);
            let inputs = inputs_hash(&shared, &json, city);
            Some(Job { city, lang: lang.clone(), json, report, inputs })
        })
        .collect();
    progress(Progress::Start { total: jobs.len() + summary.failed.len() });
    for f in &summary.failed {
        progress(Progress::Done { slug: &f.slug, lang: "*", event: Event::Failed });
    }

    let old = read_manifest(&options.out);
    let todo = skip_unchanged(jobs, &old, options, &mut summary, progress);
    for result in render_all(project, options, &todo, progress)? {
        match result {
            Ok((entry, warnings)) => {
                summary.warnings.extend(warnings);
                summary.built.push(entry);
            }
            Err(failure) => summary.failed.push(failure),
        }
    }
    summary.built.sort_by(|a, b| (&a.city, &a.lang).cmp(&(&b.city, &b.lang)));
    summary.failed.sort_by(|a, b| (&a.slug, &a.lang).cmp(&(&b.slug, &b.lang)));
    write_manifest(&options.out, old, &summary)?;
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// Every selected (city, language) pair in a fixed order; a shard takes every n-th.
fn plan(project: &Project, options: &Options) -> anyhow::Result<Vec<(String, String)>> {
    for lang in &options.langs {
        project.check_lang(lang)?;
    }
    if let Some((k, n)) = options.shard {
        anyhow::ensure!(n >= 1 && (1..=n).contains(&k), "--shard {k}/{n}: K must be between 1 and N");
    }
    let cities = if options.cities.is_empty() { project.cities() } else { &options.cities };
    let langs = if options.langs.is_empty() { project.languages() } else { &options.langs };
    let pairs = cities.iter().flat_map(|slug| langs.iter().map(move |lang| (slug.clone(), lang.clone())));
    Ok(match options.shard {
        Some((k, n)) => pairs.enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, p)| p).collect(),
        None => pairs.collect(),
    })
}

/// The jobs that must be rendered; the others (same inputs as the manifest says, and the file
/// still there, whole) are counted as unchanged.
fn skip_unchanged<'a>(
    jobs: Vec<Job<'a>>,
    old: &Manifest,
    options: &Options,
    summary: &mut Summary,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Vec<Job<'a>> {
    let mut todo = Vec::new();
    for job in jobs {
        let file = options.output.file_name(&job.city.slug, &job.lang);
        match old.reports.iter().find(|e| e.file == file) {
            Some(e)
                if !options.force
                    && e.inputs == job.inputs
                    && file_size(&options.out.join(&file)) == Some(e.bytes) =>
            {
                progress(Progress::Done { slug: &job.city.slug, lang: &job.lang, event: Event::Unchanged });
                summary.unchanged.push(e.clone());
            }
            _ => todo.push(job),
        }
    }
    todo
}

type Made = Result<(Entry, Vec<Diagnostic>), Failure>;

/// Renders and writes `todo` on `options.jobs` threads.
fn render_all(
    project: &Project,
    options: &Options,
    todo: &[Job],
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> anyhow::Result<Vec<Made>> {
    let results: Mutex<Vec<Made>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .context("cannot start the worker threads")?;
    // One loop per worker thread, taking reports from a shared counter. Not `par_iter`: while
    // a report waits inside Typst or krilla (`rayon::yield_now`, joins), rayon runs queued
    // jobs on the same thread, so queued reports started nested on that stack, each keeping
    // the suspended reports alive (peak RSS grew with the number of reports). Broadcast
    // jobs are never queued for stealing.
    let next = AtomicUsize::new(0);
    pool.broadcast(|_| {
        while let Some(job) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
            let result = make(project, options, job);
            let event = if result.is_ok() { Event::Built } else { Event::Failed };
            // Keep Typst's caches bounded: results not used in the last few reports go.
            typst::comemo::evict(EVICT_AGE);
            progress(Progress::Done { slug: &job.city.slug, lang: &job.lang, event });
            results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
        }
    });
    Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Writes the manifest: this run's reports, plus earlier entries whose PDFs are still there.
fn write_manifest(out: &Path, old: Manifest, summary: &Summary) -> anyhow::Result<()> {
    // Sorted by city, language, then file (web, booklet, print).
    let key = |e: &Entry| (e.city.clone(), e.lang.clone(), e.file.clone());
    let mut entries: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
    for e in old.reports {
        if file_size(&out.join(&e.file)) == Some(e.bytes) {
            entries.insert(key(&e), e);
        }
    }
    for e in summary.built.iter().chain(&summary.unchanged) {
        entries.insert(key(e), e.clone());
    }
    let manifest = Manifest { generator: generator(), reports: entries.into_values().collect() };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    write_atomic(&out.join(MANIFEST), &json)
}

/// Progress of a build.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The number of reports the build will go through.
    Start { total: usize },
    /// One report is done.
    Done { slug: &'a str, lang: &'a str, event: Event },
}

/// Renders and writes one report.
fn make(project: &Project, options: &Options, job: &Job) -> Result<(Entry, Vec<Diagnostic>), Failure> {
    let fail =
        |diagnostics| Failure { slug: job.city.slug.clone(), lang: Some(job.lang.clone()), diagnostics };
    let mut rendered =
        crate::render::render_json(project.shared(), &job.report, job.json.clone()).map_err(fail)?;
    if options.output.booklet {
        let mut sheets = crate::impose::booklet(project.shared(), &job.report, &rendered).map_err(fail)?;
        sheets.warnings.append(&mut rendered.warnings);
        rendered = sheets;
    }
    let file = options.output.file_name(&job.city.slug, &job.lang);
    let path = options.out.join(&file);
    let write = |path: &Path, bytes: &[u8]| {
        write_atomic(path, bytes)
            .map_err(|e| fail(Diagnostic::file(path, format!("cannot write the file: {e:#}")).into()))
    };
    if let Some(ppp) = options.png {
        let stem = file.trim_end_matches(".pdf");
        for i in 0..rendered.pages {
            let png = crate::render::page_png(&rendered.document, i, ppp).unwrap_or_default();
            write(&options.out.join(format!("{stem}-{:02}.png", i + 1)), &png)?;
        }
    }
    write(&path, &rendered.pdf)?;
    let output = options.output;
    let entry = Entry {
        city: job.city.slug.clone(),
        lang: job.lang.clone(),
        profile: output.profile,
        paper: (output.profile != Profile::Web).then_some(output.paper),
        booklet: output.booklet,
        title: job.report.meta.title.clone(),
        file,
        bytes: rendered.pdf.len() as u64,
        pages: rendered.pages,
        sha256: hex(&Sha256::digest(&rendered.pdf)),
        inputs: job.inputs.clone(),
        coverage: job.report.coverage.clone(),
    };
    Ok((entry, rendered.warnings))
}

/// What every report shares: the tool's version, the output profile, the templates and the
/// fonts.
fn shared_digest(project: &Project, options: &Options) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(generator().as_bytes());
    h.update(format!("\0{:?}\0", options.output).as_bytes());
    for (path, text) in project.shared().template_texts() {
        h.update(path.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    for path in project.shared().fonts().files() {
        h.update(path.file_name().map(|f| f.as_encoded_bytes()).unwrap_or_default());
        // An unreadable font fails the render anyway; hash what can be read.
        let bytes = std::fs::read(path).unwrap_or_default();
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    h.finalize().to_vec()
}

/// The inputs hash of one report: the shared digest, the data the templates receive (which
/// is everything taken from the city's files in its language and the fallback language, the
/// site and the fixed strings), and the city's other files (images a template may read).
fn inputs_hash(shared: &[u8], json: &[u8], city: &City) -> String {
    let mut h = Sha256::new();
    h.update(shared);
    h.update((json.len() as u64).to_le_bytes());
    h.update(json);
    let mut assets: Vec<PathBuf> =
        std::fs::read_dir(&city.dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assets.retain(|p| p.is_file() && !p.extension().is_some_and(|e| e == "md" || e == "toml"));
    assets.sort();
    for p in assets {
        h.update(p.file_name().map(|f| f.as_encoded_bytes()).unwrap_or_default());
        h.update(std::fs::read(&p).unwrap_or_default());
    }
    hex(&h.finalize())
}

fn generator() -> String {
    format!("cityreport {}", env!("CARGO_PKG_VERSION"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len())
}

/// The manifest in `out`, or an empty one if there is none or it cannot be read (then every
/// report is rebuilt, which is always safe).
pub fn read_manifest(out: &Path) -> Manifest {
    std::fs::read(out.join(MANIFEST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Temporary files left by a build that was killed.
fn remove_stale_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".cityreport-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// `path` holds either its previous content or the complete new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cityreport-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); the published file is readable by the web server.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("cannot rename onto {}", path.display()))?;
    Ok(())
}
