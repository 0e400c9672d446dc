//! Building many reports: select cities and languages (and a shard), skip what is
//! unchanged, render the rest in parallel, write each PDF atomically, and keep
//! `manifest.json` describing exactly the complete PDFs in the output folder.
//!
//! One broken city or language does not stop the others: its errors are collected and the
//! batch goes on; the caller decides the exit status.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use crate::data::City;
pub use crate::data::write_atomic;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::{Project, Selection};
use crate::publish::inputs::{inputs_hash, shared_digest};
use crate::publish::outdir::OutDir;
pub use crate::publish::outdir::{Entry, MANIFEST, Manifest, read_manifest};
use crate::publish::schedule::{Done, Schedule};
use crate::report::output::{Output, Profile};

/// How many reports a cached Typst result may go unused before it is evicted. Measured on
/// 200 synthetic reports with 2 jobs: age 0 → 100 MB peak RSS, 8 → 200 MB, 16 → 314 MB, with
/// no measurable gain in speed above 2 (`examples/profile_stages.rs`).
pub const EVICT_AGE: usize = 4;

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The output folder.
    pub out: PathBuf,
    /// The reports to build: cities, languages, shard.
    pub select: Selection,
    /// Reports rendered at once.
    pub jobs: usize,
    /// Rebuild even what is unchanged.
    pub force: bool,
    /// Also write every page as `<slug>-<lang>-<page>.png` at this many pixels per point.
    pub png: Option<f64>,
    /// Also write the cover as `<slug>-<lang>.png` (the PDF's name), this many pixels wide,
    /// for the website.
    pub thumbnail: Option<u32>,
    /// The kind of file: web, print, booklet.
    pub output: Output,
}

/// What happened to one report, reported as it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Typeset and written.
    Built,
    /// Skipped: its inputs and its file are as they were.
    Unchanged,
    /// Not made; the previous file stays.
    Failed,
}

/// A report, a city or a language that could not be built.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The city; `None` when a language's fixed strings are broken (every city fails in it).
    pub slug: Option<String>,
    /// The language; `None` when the city's data as a whole is broken (every language fails).
    pub lang: Option<String>,
    /// Why.
    pub diagnostics: Diagnostics,
}

/// The outcome of a build.
#[derive(Debug, Default)]
pub struct Summary {
    /// Reports written in this run.
    pub built: Vec<Entry>,
    /// Reports whose inputs had not changed.
    pub unchanged: Vec<Entry>,
    /// The reports (or cities, or languages) that failed.
    pub failed: Vec<Failure>,
    /// How many reports were not made: a city or a language that fails stops several (and a
    /// folder that cannot be a city counts as one).
    pub failed_reports: usize,
    /// Problems in the data or templates that did not stop any report.
    pub warnings: Vec<Diagnostic>,
    /// How long the build took.
    pub seconds: f64,
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
    let pairs = options.select.pairs(project);
    let selected = pairs.len();
    let out = OutDir::open(&options.out, &|| progress(Progress::Waiting { out: &options.out }))?;

    let mut summary = Summary::default();
    let pairs = drop_broken(project, options, pairs, &mut summary);
    let loaded = load_cities(project, &pairs, &mut summary);
    let shared = shared_digest(project, options.output, options.thumbnail);
    let jobs: Vec<Job> = pairs
        .par_iter()
        .filter_map(|(slug, lang)| {
            let city = loaded.get(slug)?;
            // A broken language's reports were dropped: its failure is counted once.
            let report = project.report(city, lang, options.output).ok()?;
            let json = report.json(&[]);
            let inputs = inputs_hash(&shared, &json, city, &project.data().root);
            Some(Job { city, lang: lang.clone(), json, report, inputs })
        })
        .collect();
    progress(Progress::Start { total: jobs.len() + summary.failed.len() });
    for f in &summary.failed {
        progress(Progress::Done { slug: f.slug.as_deref(), lang: f.lang.as_deref(), event: Event::Failed });
    }

    let todo = skip_unchanged(jobs, &out, options, &mut summary, progress);
    for result in render_all(project, options, &out, &todo, progress)? {
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
    let folders = summary
        .failed
        .iter()
        .filter(|f| f.slug.as_ref().is_some_and(|s| !project.cities().contains(s)))
        .count();
    summary.failed_reports = selected.saturating_sub(summary.built.len() + summary.unchanged.len()) + folders;
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// `pairs` without the languages whose fixed strings are broken: each fails once, for every
/// city; folders that cannot be cities fail when every city is built.
fn drop_broken(
    project: &Project,
    options: &Options,
    mut pairs: Vec<(String, String)>,
    summary: &mut Summary,
) -> Vec<(String, String)> {
    for lang in options.select.langs() {
        if let Some(diagnostics) = project.language_problems(lang) {
            summary.failed.push(Failure {
                slug: None,
                lang: Some(lang.clone()),
                diagnostics: diagnostics.clone(),
            });
            pairs.retain(|(_, l)| l != lang);
        }
    }
    // Folders that cannot be cities fail when every city is built.
    if options.select.all_cities() {
        for (name, d) in project.bad_cities() {
            summary.failed.push(Failure {
                slug: Some(name.clone()),
                lang: None,
                diagnostics: d.clone().into(),
            });
        }
    }
    pairs
}

/// The cities of `pairs`, read and checked; a city that cannot be read fails (every language).
/// Reading the cities and making each report's JSON and inputs hash is most of a build in
/// which nothing changed: done on every core, in the batch's order.
fn load_cities(
    project: &Project,
    pairs: &[(String, String)],
    summary: &mut Summary,
) -> BTreeMap<String, City> {
    let mut slugs: Vec<&String> = Vec::new();
    for (slug, _) in pairs {
        if !slugs.contains(&slug) && !summary.failed.iter().any(|f| f.slug.as_ref() == Some(slug)) {
            slugs.push(slug);
        }
    }
    let read: Vec<_> = slugs.par_iter().map(|slug| project.city(slug)).collect();
    let mut loaded: BTreeMap<String, City> = BTreeMap::new();
    for (slug, city) in slugs.into_iter().zip(read) {
        match city {
            Ok(city) => {
                summary.warnings.extend(city.warnings.iter().cloned());
                loaded.insert(slug.clone(), city);
            }
            Err(diagnostics) => {
                summary.failed.push(Failure { slug: Some(slug.clone()), lang: None, diagnostics })
            }
        }
    }
    loaded
}

impl Job<'_> {
    /// The files its World serves: its JSON (made once, for the inputs hash too) and the rest.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        crate::report::contract::document_files(self.json.clone(), self.report.output, &[&self.report])
    }
}

/// The jobs that must be rendered; the others (same inputs as the manifest says, and the file
/// still there, whole) are counted as unchanged.
fn skip_unchanged<'a>(
    jobs: Vec<Job<'a>>,
    out: &OutDir,
    options: &Options,
    summary: &mut Summary,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Vec<Job<'a>> {
    let mut todo = Vec::new();
    for job in jobs {
        let file = options.output.file_name(&job.city.slug, &job.lang);
        match out.entry(&file) {
            Some(e) if !options.force && e.inputs == job.inputs => {
                let (slug, lang) = (Some(job.city.slug.as_str()), Some(job.lang.as_str()));
                progress(Progress::Done { slug, lang, event: Event::Unchanged });
                summary.unchanged.push(e);
            }
            _ => todo.push(job),
        }
    }
    todo
}

type Made = Result<(Entry, Vec<Diagnostic>), Failure>;

/// Renders and writes `todo` on `options.jobs` threads, a city's reports in the order of
/// [`Schedule`].
fn render_all(
    project: &Project,
    options: &Options,
    out: &OutDir,
    todo: &[Job],
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> anyhow::Result<Vec<Made>> {
    let results: Mutex<Vec<Made>> = Mutex::new(Vec::new());
    let pairs: Vec<(&str, &str)> = todo.iter().map(|j| (j.city.slug.as_str(), j.lang.as_str())).collect();
    let schedule = Schedule::new(&pairs, &project.data().site.default_language);
    // Typst lays a report's page runs out in parallel on the pool it runs in: the pool has a
    // thread per core even when fewer reports are rendered at once (`--jobs 1` still uses
    // every core for the one report).
    let workers = options.jobs.max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers.max(cores))
        .build()
        .context("cannot start the worker threads")?;
    // One loop per worker, taking reports from the schedule; the other threads only help
    // Typst. Not `par_iter`: while a report waits inside Typst or krilla (`rayon::yield_now`,
    // joins), rayon runs queued jobs on the same thread, so queued reports started nested on
    // that stack, each keeping the suspended reports alive (peak RSS grew with the number of
    // reports). Broadcast jobs are never queued for stealing.
    // The files are written by a thread of their own, so the workers typeset the next reports
    // while a PDF and the manifest go to disk (each `fsync`ed: a sixth of a cold build on this
    // machine's disk when the workers waited for it). A few rendered reports may wait for it.
    let (finished, to_write) =
        std::sync::mpsc::sync_channel::<(usize, Result<Pending, Failure>)>(2 * workers);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let to_write = to_write; // owned by this thread
            // Whatever has been rendered meanwhile is written together (one manifest update).
            while let Ok(first) = to_write.recv() {
                let batch: Vec<_> = std::iter::once(first).chain(to_write.try_iter()).collect();
                for (i, result) in write(out, options, todo, batch) {
                    let job = &todo[i];
                    let event = if result.is_ok() { Event::Built } else { Event::Failed };
                    progress(Progress::Done { slug: Some(&job.city.slug), lang: Some(&job.lang), event });
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                }
            }
        });
        pool.broadcast(|thread| {
            if thread.index() >= workers {
                return;
            }
            while let Some(i) = schedule.next() {
                let made = {
                    // Marks the report done also if rendering panics, so no worker waits forever.
                    let _done = Done(&schedule, i);
                    make(project, options, &todo[i])
                };
                // Keep Typst's caches bounded: results not used in the last few reports go.
                typst::comemo::evict(EVICT_AGE);
                // The writer only stops when this sender is dropped, after the workers.
                let _ = finished.send((i, made));
            }
        });
        drop(finished);
    });
    Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Progress of a build.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The number of reports the build will go through.
    Start {
        /// Reports and failures to come.
        total: usize,
    },
    /// One report is done.
    Done {
        /// The city (`None`: every city, for a language that failed).
        slug: Option<&'a str>,
        /// The language (`None`: every language, for a city that failed).
        lang: Option<&'a str>,
        /// What happened.
        event: Event,
    },
    /// Another build holds the output folder; this one waits for it.
    Waiting {
        /// The folder another build holds.
        out: &'a Path,
    },
}

/// A rendered report waiting to be written: its PDF, its entry, the pictures beside it.
struct Pending {
    entry: Entry,
    pdf: Vec<u8>,
    pictures: Vec<(String, Vec<u8>)>,
    warnings: Vec<Diagnostic>,
}

/// The failure of `job`.
fn failure(job: &Job, diagnostics: Diagnostics) -> Failure {
    Failure { slug: Some(job.city.slug.clone()), lang: Some(job.lang.clone()), diagnostics }
}

/// Renders one report, with the pictures asked for.
fn make(project: &Project, options: &Options, job: &Job) -> Result<Pending, Failure> {
    let fail = |diagnostics| failure(job, diagnostics);
    let file = options.output.file_name(&job.city.slug, &job.lang);
    let source = crate::make::Source::Report(&job.report);
    let mut rendered =
        crate::make::make(project.site(), source, options.output, &file, Some(job.files())).map_err(fail)?;
    let mut pictures = Vec::new();
    let preflight = rendered.preflight.take().map(|text| {
        let name = format!("{file}.preflight.txt");
        pictures.push((name.clone(), text.into_bytes()));
        name
    });
    if let Some(ppp) = options.png {
        let stem = file.trim_end_matches(".pdf");
        for i in 0..rendered.pages {
            let png = crate::typeset::render::page_png(&rendered.document, i, ppp).unwrap_or_default();
            pictures.push((format!("{stem}-{:02}.png", i + 1), png));
        }
    }
    let thumbnail = match options.thumbnail {
        Some(width) => {
            let name = format!("{}.png", file.trim_end_matches(".pdf"));
            let png = thumbnail(&rendered, width).map_err(|e| {
                fail(
                    Diagnostic::file(options.out.join(&name), format!("cannot make the picture: {e:#}"))
                        .into(),
                )
            })?;
            pictures.push((name.clone(), png));
            Some(name)
        }
        None => None,
    };
    let output = options.output;
    let entry = Entry {
        city: job.city.slug.clone(),
        lang: job.lang.clone(),
        profile: output.profile(),
        paper: (output.profile() == Profile::Print).then_some(output.paper()),
        booklet: output.booklet(),
        title: job.report.meta.title.clone(),
        file: file.clone(),
        bytes: rendered.pdf.len() as u64,
        pages: rendered.pages,
        sha256: crate::publish::outdir::sha256(&rendered.pdf),
        inputs: job.inputs.clone(),
        coverage: job.report.coverage.clone(),
        thumbnail,
        preflight,
    };
    Ok(Pending { entry, pdf: rendered.pdf, pictures, warnings: rendered.warnings })
}

/// Writes rendered reports (`todo[i]` as made): each one's pictures, then the PDFs with their
/// manifest entries; the outcome of each.
fn write(
    out: &OutDir,
    options: &Options,
    todo: &[Job],
    batch: Vec<(usize, Result<Pending, Failure>)>,
) -> Vec<(usize, Made)> {
    let cannot = |i: usize, path: &str, e: anyhow::Error| {
        let message = format!("cannot write the file: {e:#}");
        failure(&todo[i], Diagnostic::file(options.out.join(path), message).into())
    };
    let mut outcomes = Vec::new();
    let mut pdfs = Vec::new();
    for (i, made) in batch {
        let pictures = made.and_then(|pending| {
            for (name, png) in &pending.pictures {
                out.write(name, png).map_err(|e| cannot(i, name, e))?;
            }
            Ok(pending)
        });
        match pictures {
            Ok(pending) => pdfs.push((i, pending)),
            Err(failed) => outcomes.push((i, Err(failed))),
        }
    }
    let files: Vec<(&Entry, &[u8])> = pdfs.iter().map(|(_, p)| (&p.entry, p.pdf.as_slice())).collect();
    let published = out.publish(&files);
    for ((i, pending), result) in pdfs.into_iter().zip(published) {
        outcomes.push(match result {
            Ok(()) => (i, Ok((pending.entry, pending.warnings))),
            Err(e) => (i, Err(cannot(i, &pending.entry.file, e))),
        });
    }
    outcomes
}

/// A picture of the cover `width` pixels wide, as a losslessly optimised PNG (oxipng):
/// deterministic, the same bytes for the same page.
fn thumbnail(rendered: &crate::typeset::render::Rendered, width: u32) -> anyhow::Result<Vec<u8>> {
    let page = rendered.document.pages().first().context("the report has no page")?;
    let ppp = f64::from(width) / page.frame.width().to_pt();
    let png =
        crate::typeset::render::page_png(&rendered.document, 0, ppp).context("cannot draw the cover")?;
    let options = oxipng::Options::from_preset(1);
    oxipng::optimize_from_memory(&png, &options).context("cannot optimise the cover's picture")
}
