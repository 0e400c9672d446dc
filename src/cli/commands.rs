//! The commands: each turns checked arguments into library calls and prints the outcome.
//! Returns `Ok(false)` when the command ran but found errors (exit status 1).

use std::io::{IsTerminal, Write};

use anyhow::Context;
use std::path::Path;

use cityreport::diagnostics::Diagnostics;
use cityreport::publish::build::{self, Event, Options, Progress};
use cityreport::{OpenError, Project};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{
    BuildArgs, BundleArgs, CheckArgs, Cli, Command, ExportArgs, NewArgs, RenderArgs, SynthArgs, TranslateArgs,
};

/// Runs the command; `Ok(false)` means errors were reported.
pub fn run(cli: Cli) -> anyhow::Result<bool> {
    // The only command that needs no valid project.
    if let Command::Synth(a) = &cli.command {
        return synth(a, &cli.global.root);
    }
    let date = cli.global.date;
    let project = match Project::open(&cli.global.root) {
        Ok(p) => p.with_date(date),
        Err(OpenError::Data(d)) => {
            emit(&d);
            return Ok(false);
        }
        Err(OpenError::Other(e)) => return Err(e),
    };
    match cli.command {
        Command::Build(a) => build(&project, a),
        Command::Render(a) => render(&project, a),
        Command::Watch(a) => watch(project, a),
        Command::Check(a) => check(&project, a),
        Command::ExportData(a) => export_data(&project, a),
        Command::Bundle(a) => bundle(&project, a),
        Command::New(a) => new_city(&project, a, date),
        Command::Translate(a) => translate(&project, a),
        Command::Synth(a) => synth(&a, &cli.global.root),
    }
}

/// Brings a translation file up to date and says what is left to translate.
fn translate(project: &Project, a: TranslateArgs) -> anyhow::Result<bool> {
    project.check_lang(&a.to)?;
    let city = match project.city(&a.slug) {
        Ok(c) => c,
        Err(d) => {
            emit(&d);
            return Ok(false);
        }
    };
    let default = &project.data().site.default_language;
    match cityreport::edit::translate::translate(&city, default, &a.to, &project.data().root) {
        Ok(o) => {
            let verb = if o.written { "wrote" } else { "unchanged:" };
            say!("{verb} {}: {} parts up to date", o.file.display(), o.up_to_date);
            if !o.to_translate.is_empty() {
                say!(
                    "to translate (in {default} in the file, listed in `to_translate`): {}",
                    o.to_translate.join(", ")
                );
            }
            Ok(true)
        }
        Err(d) => {
            emit(&d);
            Ok(false)
        }
    }
}

/// Scaffolds a new city and says what to do next.
fn new_city(project: &Project, a: NewArgs, date: Option<cityreport::data::Date>) -> anyhow::Result<bool> {
    let today = || {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        cityreport::data::Date::from_unix(secs as i64)
    };
    let lang = &project.data().site.default_language;
    let city = cityreport::edit::scaffold::NewCity {
        slug: &a.slug,
        name: &a.name,
        country: a.country.as_deref(),
        lang,
        year: date.unwrap_or_else(today).year,
    };
    match cityreport::edit::scaffold::create(&project.data().root, &city) {
        Ok(files) => {
            for f in files {
                say!("wrote {}", f.strip_prefix(&project.data().root).unwrap_or(&f).display());
            }
            say!(
                "next: replace every `TODO:` (cityreport check {} lists them), then cityreport render {} --lang {lang}",
                a.slug,
                a.slug
            );
            Ok(true)
        }
        Err(d) => {
            emit(&d);
            Ok(false)
        }
    }
}

fn synth(a: &SynthArgs, root: &Path) -> anyhow::Result<bool> {
    cityreport::synth::generate(&a.dir, a.cities, &a.langs, root, a.varied, a.pictures)?;
    say!("wrote {} synthetic cities in {} to {}", a.cities, a.langs.join(", "), a.dir.display());
    Ok(true)
}

fn build(project: &Project, a: BuildArgs) -> anyhow::Result<bool> {
    let options = Options {
        out: a.output,
        select: project.select(a.city, a.lang, a.shard)?,
        jobs: a.jobs.unwrap_or_else(default_jobs),
        force: a.force,
        png: None,
        thumbnail: a.thumbnails,
        output: a.kind.output(&project.data().site.print)?,
    };
    run_build(project, &options)
}

fn render(project: &Project, a: RenderArgs) -> anyhow::Result<bool> {
    run_build(project, &one_report(project, &a)?)
}

/// The build of the one report `render` and `watch` make.
fn one_report(project: &Project, a: &RenderArgs) -> anyhow::Result<Options> {
    Ok(Options {
        out: a.output.clone(),
        select: project.select(vec![a.slug.clone()], vec![a.lang.clone()], None)?,
        jobs: 1,
        force: true,
        png: a.png,
        thumbnail: None,
        output: a.kind.output(&project.data().site.print)?,
    })
}

/// Renders one report, then again after every burst of saves, until Ctrl-C.
fn watch(project: Project, a: RenderArgs) -> anyhow::Result<bool> {
    let options = one_report(&project, &a)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Relaxed))
        .context("cannot catch Ctrl-C")?;
    let root = project.data().root.clone();
    let file = options.out.join(options.output.file_name(&a.slug, &a.lang));
    let mut project = project;
    say!("watching {} for saves (Ctrl-C to stop)", root.display());
    cityreport::edit::watch::watch(&root, &stop, |changes| {
        let start = std::time::Instant::now();
        if !changes.paths.is_empty() {
            match project.reopen(changes.fonts) {
                Ok(p) => project = p,
                Err(OpenError::Data(d)) => {
                    emit(&d);
                    say!("not rendered; {} is the last good one", file.display());
                    return;
                }
                Err(OpenError::Other(e)) => {
                    print_error(&e);
                    return;
                }
            }
        }
        match build::build(&project, &options, &|_| {}) {
            Ok(summary) => {
                emit(&Diagnostics(summary.warnings));
                for f in &summary.failed {
                    emit(&f.diagnostics);
                    say!("not rendered; {} is the last good one", file.display());
                }
                for b in &summary.built {
                    say!(
                        "rendered {} ({} pages) in {} ms",
                        file.display(),
                        b.pages,
                        start.elapsed().as_millis()
                    );
                }
            }
            Err(e) => print_error(&e),
        }
    })?;
    say!("stopped watching");
    Ok(true)
}

/// Validates the cities and prints every problem and each report's translation coverage;
/// then (unless `--data-only`) typesets every report as every kind of file, so that `build`,
/// `render` and `bundle` pass when `check` does.
fn check(project: &Project, a: CheckArgs) -> anyhow::Result<bool> {
    use cityreport::publish::check::{CheckOptions, Finding};
    let options = CheckOptions { cities: a.slugs, data_only: a.data_only, force: a.force, remember: true };
    let report = project.check(&options);
    for finding in &report.findings {
        match finding {
            Finding::Diagnostics(d) => emit(d),
            Finding::Coverage { slug, lang, lines } => lines.iter().for_each(|l| say!("{slug} {lang}: {l}")),
            Finding::Refused { slug, lang, refused } => {
                say!("{slug} {lang}: {} could not be made:", refused.file);
                emit(&refused.diagnostics);
            }
        }
    }
    if report.passed {
        let files = report.files.map_or(String::from(" (data only)"), |(n, unchanged)| {
            format!(" ({n} files typeset, {unchanged} unchanged since they passed)")
        });
        let cities = if report.cities == 1 { "city" } else { "cities" };
        say!("checked {} {cities}: no errors{files}", report.cities);
    }
    Ok(report.passed)
}

/// Renders a bundle of several cities; nothing is written when anything is wrong.
fn bundle(project: &Project, a: BundleArgs) -> anyhow::Result<bool> {
    if !language_ready(project, &a.lang)? {
        return Ok(false);
    }
    let output = a.kind.output(&project.data().site.print)?;
    let path = a.output.unwrap_or_else(|| Path::new("out").join(output.file_name("bundle", &a.lang)));
    let start = std::time::Instant::now();
    let bundle = match project.bundle(&a.city, &a.lang, output, a.title.as_deref()) {
        Ok(b) => b,
        Err(d) => {
            emit(&d);
            return Ok(false);
        }
    };
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let rendered = match project.make(cityreport::make::Source::Bundle(&bundle), output, &file) {
        Ok(r) => r,
        Err(d) => {
            emit(&d);
            return Ok(false);
        }
    };
    emit(&Diagnostics(rendered.warnings.clone()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    cityreport::publish::outdir::write_with_pictures(&path, &rendered, a.png)?;
    out!(
        "{} ({} {}, {} pages, {} KB, {:.2} s)",
        path.display(),
        bundle.reports.len(),
        if bundle.reports.len() == 1 { "city" } else { "cities" },
        rendered.pages,
        rendered.pdf.len().div_ceil(1000),
        start.elapsed().as_secs_f64()
    );
    Ok(true)
}

/// Whether reports in `lang` can be made: an unknown language is an error; broken fixed
/// strings are reported (and `false`).
fn language_ready(project: &Project, lang: &str) -> anyhow::Result<bool> {
    project.check_lang(lang)?;
    match project.language_problems(lang) {
        Some(d) => {
            emit(d);
            Ok(false)
        }
        None => Ok(true),
    }
}

fn export_data(project: &Project, a: ExportArgs) -> anyhow::Result<bool> {
    if !language_ready(project, &a.lang)? {
        return Ok(false);
    }
    let city = match project.city(&a.slug) {
        Ok(c) => c,
        Err(d) => {
            emit(&d);
            return Ok(false);
        }
    };
    let output = crate::cli::args::output_of(a.profile, a.paper, false)?;
    let report = match project.report(&city, &a.lang, output) {
        Ok(r) => r,
        Err(d) => {
            emit(&d);
            return Ok(false);
        }
    };
    // A reader that stops early (`| head`) wants no more: not an error.
    match std::io::stdout().write_all(&report.json(&[])) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(true)
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn run_build(project: &Project, options: &Options) -> anyhow::Result<bool> {
    // A progress bar on a terminal; a line per report otherwise (logs, CI).
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |p: Progress<'_>| match p {
        Progress::Start { total } => {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
            }
        }
        Progress::Done { slug, lang, event } => {
            let (slug, lang) = (slug.unwrap_or("(every city)"), lang.unwrap_or("(every language)"));
            let word = match event {
                Event::Built => "built",
                Event::Unchanged => "unchanged",
                Event::Failed => "FAILED",
            };
            match &bar {
                Some(bar) => {
                    bar.set_message(format!("{word} {slug} {lang}"));
                    bar.inc(1);
                }
                None => say!("{word} {slug} {lang}"),
            }
        }
        Progress::Waiting { out } => say!(
            "another cityreport build is writing to {}; waiting for it to finish (Ctrl-C to stop)",
            out.display()
        ),
    };
    let summary = build::build(project, options, &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let default = &project.data().site.default_language;
    emit(&Diagnostics(summary.warnings.clone()));
    for b in &summary.built {
        let coverage =
            if &b.lang == default { String::new() } else { format!(", {}", b.coverage.summary(default)) };
        out!(
            "{} ({} pages, {} KB{coverage})",
            options.out.join(&b.file).display(),
            b.pages,
            b.bytes.div_ceil(1000)
        );
    }
    // Each failure's own messages say "error:"; its heading says what was not made.
    for f in &summary.failed {
        match (&f.slug, &f.lang) {
            (None, Some(lang)) => {
                say!("not built: every report in `{lang}`, because of its fixed strings:")
            }
            (Some(slug), Some(lang)) => say!("not built: {slug} {lang}:"),
            (Some(slug), None) => {
                say!("not built: {slug} (every language), because its data cannot be read:")
            }
            (None, None) => say!("not built:"),
        }
        emit(&f.diagnostics);
    }
    say!(
        "{} built, {} unchanged, {} failed, {:.2} s",
        summary.built.len(),
        summary.unchanged.len(),
        summary.failed_reports,
        summary.seconds
    );
    Ok(summary.failed.is_empty())
}

fn emit(d: &Diagnostics) {
    let choice = if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    let mut out = StandardStream::stderr(choice);
    // If stderr is gone there is nobody to tell.
    let _ = d.emit(&mut out);
}

/// Prints an application error with its causes.
pub fn print_error(err: &anyhow::Error) {
    say!("error: {err}");
    for cause in err.chain().skip(1) {
        say!("  caused by: {cause}");
    }
}
