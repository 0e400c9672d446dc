//! Every command-line flag, as clap definitions.

use std::path::PathBuf;

use cityreport::data::Date;
use cityreport::report::output::{Output, Paper, Profile};
use clap::{Args, Parser, Subcommand};

/// Renders the Moving Cities city report PDFs from structured data.
#[derive(Debug, Parser)]
#[command(
    name = "cityreport",
    version,
    max_term_width = 80,
    after_help = "Examples:\n  cityreport build                      every city in every language into out/\n  cityreport render milan --lang de     out/milan-de.pdf\n  cityreport check                      validate all data, exit 1 on errors"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command.
#[derive(Debug, Args)]
pub struct Global {
    /// The project folder (holding data/, templates/ and fonts/).
    #[arg(long, global = true, default_value = ".", env = "CITYREPORT_ROOT")]
    pub root: PathBuf,
    /// The document date of every report (PDF metadata): a date such as 2023-06-30 or seconds
    /// since 1970 [default: each city's `date`, else 1 January of its `update_year`].
    #[arg(long, global = true, value_name = "DATE", env = "SOURCE_DATE_EPOCH")]
    pub date: Option<Date>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every city in every language (or a selection) into the output folder.
    Build(BuildArgs),
    /// Render one report: OUT/SLUG-LANG.pdf.
    Render(RenderArgs),
    /// Render one report, then again after every save under data/, templates/ or fonts/
    /// (Ctrl-C stops). A broken edit leaves the last good PDF in place.
    Watch(RenderArgs),
    /// Validate all data (or the given cities), print every error with its location, then
    /// typeset every report as every kind of file without writing it (what passed before with
    /// the same inputs is skipped, remembered in .cityreport/): when `check` passes, `build`,
    /// `render` and `bundle` pass.
    Check(CheckArgs),
    /// Print the JSON a template receives for one report.
    ExportData(ExportArgs),
    /// Put several cities' reports in one language into one PDF, for an event.
    Bundle(BundleArgs),
    /// Bring a translation up to date: the default language's text for every part it lacks or
    /// that changed since it was translated, listed in `to_translate`; the versions recorded.
    Translate(TranslateArgs),
    /// Start a new city: data/cities/SLUG/ with city.toml and the default language's text,
    /// every field and section there, marked TODO: where text is still to be written.
    New(NewArgs),
    /// Write a project of synthetic cities shaped like Milan (for benchmarks and tests).
    #[command(hide = true)]
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The city's slug.
    pub slug: String,
    /// The language to translate into.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The city's slug: lower-case letters, digits and hyphens (its files' names).
    pub slug: String,
    /// The city's name in the default language, as it is written.
    #[arg(long)]
    pub name: String,
    /// The country's name in the default language.
    #[arg(long)]
    pub country: Option<String>,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// The folder to write the project into.
    pub dir: PathBuf,
    /// Number of cities.
    #[arg(long, default_value_t = 40)]
    pub cities: usize,
    /// Languages, the default first.
    #[arg(long, value_delimiter = ',', default_value = "en,de,fr,pl,it")]
    pub langs: Vec<String>,
    /// Cities of other shapes than Milan's: sections long and short, lists of many items that
    /// end their sections, a source cited by every paragraph and list item.
    #[arg(long)]
    pub varied: bool,
    /// Give every city a cover photo, two figures (a photo and an SVG chart) and a table of
    /// two pages.
    #[arg(long)]
    pub pictures: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Only these cities (slugs); repeat or separate with commas.
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub city: Vec<String>,
    /// Only these languages; repeat or separate with commas.
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub lang: Vec<String>,
    /// Reports rendered at once, 1 to 64 (default: the number of cores).
    #[arg(long, short, value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Rebuild every selected report, even when its inputs are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Build only share K of N (e.g. 2/4): a deterministic split for several machines.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<cityreport::Shard>,
    /// Also write a picture of each report's cover for the website (SLUG-LANG.png next to the
    /// PDF, listed in the manifest), WIDTH pixels wide (default 480).
    #[arg(long, value_name = "WIDTH", num_args = 0..=1, default_missing_value = "480",
          value_parser = clap::value_parser!(u32).range(16..=4000))]
    pub thumbnails: Option<u32>,
    #[command(flatten)]
    pub kind: OutputArgs,
}

/// The kind of file to make.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// web: the site's download, accessible (PDF/UA-1; SLUG-LANG.pdf); print: for a print
    /// shop, with bleed, crop marks, CMYK colours and a back cover (SLUG-LANG-print.pdf);
    /// archive: the web file as PDF/A-2a and PDF/UA-1 (SLUG-LANG-archive.pdf).
    #[arg(long, default_value = "web", value_name = "web|print|archive")]
    pub profile: Profile,
    /// The trimmed page size of a print file [default: a4]; an A5 file is
    /// SLUG-LANG-print-a5.pdf.
    #[arg(long, value_name = "a4|a5")]
    pub paper: Option<Paper>,
    /// Impose the A5 print pages two to a side of A4 sheets, in saddle-stitch order
    /// (SLUG-LANG-booklet.pdf); needs --profile print.
    #[arg(long)]
    pub booklet: bool,
    /// A booklet's creep compensation: how far each sheet's pages move toward the spine per
    /// sheet outside it, as `0.1mm`, `0` or `auto` (the paper's thickness, from
    /// --paper-weight or the site's `[print] paper_weight`).
    #[arg(long, value_name = "auto|MM", value_parser = parse_creep)]
    pub creep: Option<Creep>,
    /// The booklet paper's weight in g/m², for `--creep auto` [default: the site's].
    #[arg(long, value_name = "G/M²", value_parser = clap::value_parser!(u32).range(40..=400))]
    pub paper_weight: Option<u32>,
}

/// `--creep`: from the paper's thickness, or given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Creep {
    /// One sheet's thickness of the paper.
    Auto,
    /// So many millimetres per sheet.
    Mm(f64),
}

fn parse_creep(s: &str) -> Result<Creep, String> {
    let t = s.trim().to_ascii_lowercase();
    if t == "auto" {
        return Ok(Creep::Auto);
    }
    let number = t.strip_suffix("mm").unwrap_or(&t).trim();
    match number.parse::<f64>() {
        Ok(mm) if (0.0..=1.0).contains(&mm) => Ok(Creep::Mm(mm)),
        Ok(mm) => Err(format!("a creep of {mm} mm per sheet: paper is 0 to 1 mm thick")),
        Err(_) => Err(format!("`{s}` is not a creep: write `auto`, `0` or a thickness such as `0.1mm`")),
    }
}

/// `--jobs`: a thread each; more than 64 only costs memory (a report takes about 100 MB).
fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n @ 1..=64) => Ok(n),
        _ => Err(format!(
            "`{s}` reports at once: give a number from 1 to 64 (this machine has {} cores)",
            cores()
        )),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `--png`: pixels per point, 0.25 (18 dpi) to 8 (576 dpi: an A4 page is then 4763 × 6736
/// pixels, 128 MB in memory while it is drawn).
fn parse_ppp(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(ppp) if (0.25..=8.0).contains(&ppp) => Ok(ppp),
        _ => Err(format!(
            "`{s}` pixels per point: give a number from 0.25 to 8 (1 is 72 dpi, 2 is 144 dpi, 4 is 288 dpi)"
        )),
    }
}

/// `--title`: printed on the bundle's cover and the PDF's title, so a line of words.
fn parse_title(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        Err("the bundle's title is empty: give words for its cover, or leave --title out for the language's default".into())
    } else if t.chars().count() > 120 {
        Err(format!("the title has {} characters: a cover holds at most 120", t.chars().count()))
    } else if let Some(c) = t.chars().find(|&c| cityreport::data::is_forbidden_char(c) || c == '\n') {
        Err(format!("the title holds U+{:04X}, which cannot print: give a title of one line", c as u32))
    } else {
        Ok(t.to_string())
    }
}

/// The kind of file the flags `--profile`, `--paper` and `--booklet` ask for, or what to
/// change in them.
pub fn output_of(profile: Profile, paper: Option<Paper>, booklet: bool) -> anyhow::Result<Output> {
    use cityreport::report::output::Mismatch;
    Output::new(profile, paper, booklet).map_err(|mismatch| {
        anyhow::anyhow!(match mismatch {
            Mismatch::BookletNotPrint => "--booklet makes a print file: add --profile print".to_string(),
            Mismatch::BookletNotA5 => {
                "a booklet folds A4 sheets into A5 pages: use --paper a5 (or leave it out)".to_string()
            }
            Mismatch::PaperNotPrint(p) =>
                format!("the {p} profile is A4; a paper size is for --profile print"),
        })
    })
}

impl OutputArgs {
    /// The checked combination; `auto` creep is the thickness of one sheet of `print`'s paper
    /// (or of --paper-weight).
    pub fn output(&self, print: &cityreport::data::PrintCondition) -> anyhow::Result<Output> {
        let output = output_of(self.profile, self.paper, self.booklet)?;
        let thickness = match self.paper_weight {
            Some(weight) => {
                cityreport::data::PrintCondition { paper_weight: f64::from(weight), ..print.clone() }
            }
            None => print.clone(),
        }
        .sheet_thickness_mm();
        if !self.booklet && (self.creep.is_some() || self.paper_weight.is_some()) {
            let flag = if self.creep.is_some() { "--creep" } else { "--paper-weight" };
            anyhow::bail!(
                "{flag} applies to a booklet only\nhint: add --booklet (with --profile print), or leave {flag} out"
            );
        }
        let mm = match self.creep.unwrap_or(Creep::Auto) {
            Creep::Auto => thickness,
            Creep::Mm(mm) => mm,
        };
        Ok(output.with_creep(mm))
    }
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The city's slug (its folder under data/cities/).
    pub slug: String,
    /// The report's language.
    #[arg(long, short)]
    pub lang: String,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Also write each page as a PNG picture (SLUG-LANG-01.png, …), at PPP pixels per point
    /// (default 2).
    #[arg(long, value_name = "PPP", num_args = 0..=1, default_missing_value = "2", value_parser = parse_ppp)]
    pub png: Option<f64>,
    #[command(flatten)]
    pub kind: OutputArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  cityreport bundle --city milan,naples --lang de --profile print --booklet -o event-de.pdf"
)]
pub struct BundleArgs {
    /// The cities, in the order they appear; repeat or separate with commas.
    #[arg(long, value_delimiter = ',', num_args = 1.., required = true)]
    pub city: Vec<String>,
    /// The language of every report in the bundle.
    #[arg(long, short)]
    pub lang: String,
    /// The bundle's title, on its cover and as the PDF's title [default: the language's
    /// `bundle_title`, e.g. "City reports"].
    #[arg(long, value_parser = parse_title)]
    pub title: Option<String>,
    /// The PDF to write [default: out/bundle-LANG.pdf, -print.pdf, -print-a5.pdf or
    /// -booklet.pdf].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write each page as a PNG picture next to the PDF, at PPP pixels per point
    /// (default 2).
    #[arg(long, value_name = "PPP", num_args = 0..=1, default_missing_value = "2", value_parser = parse_ppp)]
    pub png: Option<f64>,
    #[command(flatten)]
    pub kind: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Cities to check (default: all).
    pub slugs: Vec<String>,
    /// Only read and validate the data; do not typeset. Fast, but what only the laid-out
    /// pages show (a word too long for its box, a table too wide) is then not found.
    #[arg(long)]
    pub data_only: bool,
    /// Typeset every report again, also those whose inputs passed before.
    #[arg(long)]
    pub force: bool,
    /// (Accepted for older scripts: `check` typesets every report unless --data-only.)
    #[arg(long, hide = true)]
    pub typeset: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The city's slug.
    pub slug: String,
    /// The report's language.
    #[arg(long, short)]
    pub lang: String,
    /// The profile the templates are told about (web, print or archive).
    #[arg(long, default_value = "web", value_name = "web|print|archive")]
    pub profile: Profile,
    /// The trimmed page size of a print file [default: a4]; an A5 file is
    /// SLUG-LANG-print-a5.pdf.
    #[arg(long, value_name = "a4|a5")]
    pub paper: Option<Paper>,
}
