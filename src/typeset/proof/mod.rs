//! The proof: the laid-out pages checked against what a reader and a print shop need, after
//! typesetting and before any file is written.
//!
//! [`page`] reads Typst's laid-out pages (the frames: every piece of ink with its place, its
//! colour, its clipping, and what part of the data it belongs to); [`rules`] holds the checks,
//! each a named rule. A finding is an error (the report fails, its previous PDF stays) or a
//! warning (printed with the report's line); it names the page and, where the data made it, the
//! part of the data in its file (`data/cities/milan/en.md:9: the quote does not fit…`), else the
//! place in the templates that drew it.
//!
//! The proof imports the document and the report's origins; nothing imports it but `render`,
//! `impose` and `bundle`, which run it on every document they make.

pub mod colour;
pub mod page;
pub mod rules;

use std::sync::Arc;

use typst::WorldExt;
use typst::syntax::Span;

use crate::diagnostics::Diagnostic;
use crate::report::contract::Report;
use crate::report::output::{Output, Paper, Profile};
use crate::typeset::world::ReportWorld;

/// What kind of document is proofed.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// A print file: bleed, marks, inks and folios are checked; else contrast on screen.
    pub print: bool,
    /// Booklet sheets: the imposition is checked (the pages themselves were proofed as the
    /// print file they come from).
    pub booklet: bool,
    /// The trimmed page size.
    pub paper: Paper,
    /// The bleed around the trim, in points (0 on the web).
    pub bleed: f64,
    /// For booklets: how far the imposed pages' media reach beyond their trim (bleed and slug),
    /// in points.
    pub source_outset: f64,
    /// The most ink a colour may lay down, in percent (the sum of its four inks): the
    /// printing condition's limit (`[print] total_ink` of `site.toml`).
    pub total_ink: f64,
    /// For booklets: the creep per sheet, in points: the pages of the n-th sheet (from the
    /// outside, from 0) sit n times this toward the spine.
    pub creep: f64,
}

impl Setting {
    /// The setting for a document made as `output` (the sheets of a booklet when
    /// `output.booklet`, else pages), printed with at most `total_ink` percent of ink.
    pub fn of(output: Output, total_ink: f64) -> Self {
        Self {
            print: output.profile() == Profile::Print,
            booklet: output.booklet(),
            paper: output.paper(),
            bleed: output.bleed_mm() / 25.4 * 72.0,
            source_outset: (output.bleed_mm() + output.slug_mm()) / 25.4 * 72.0,
            total_ink,
            creep: output.creep_mm() / 25.4 * 72.0,
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file must not be published.
    Error,
    /// Printed; the file is made.
    Warning,
}

/// Where a finding comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A part of the data (`milan/quote`, `milan/takeaways/2`) or a paragraph
    /// (`milan/3.1/2/0`).
    Data(String),
    /// The template that drew it.
    Template(Span),
    /// Only the page.
    Page,
    /// The templates, with no one place to name (what every page of a kind should draw).
    Templates,
}

/// One thing the proof found.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule's name (docs/proofing.md).
    pub rule: &'static str,
    /// Whether it stops the file (an error) or is reported only (a warning).
    pub severity: Severity,
    /// 0-based.
    pub page: usize,
    /// Where: the page, and the part of the data or the template line.
    pub place: Origin,
    /// Starts with the page (`page 5: …`).
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// Proofs the laid-out pages (read from the document with [`page::Pages::read`]) of a document
/// made as `setting` says.
pub fn proof(pages: &page::Pages, setting: &Setting) -> Vec<Finding> {
    rules::all(pages, setting)
}

/// The findings as diagnostics: located in the data through the `reports`' origins, else in
/// the template (through `world`), else at the document's entry template.
pub fn diagnostics(findings: &[Finding], reports: &[&Report], world: &ReportWorld) -> Vec<Diagnostic> {
    findings.iter().map(|f| diagnostic(f, reports, world)).collect()
}

fn diagnostic(f: &Finding, reports: &[&Report], world: &ReportWorld) -> Diagnostic {
    let mut d = match &f.place {
        Origin::Data(name) => locate_data(name, reports, &f.message),
        Origin::Template(span) => Some(
            locate_span(*span, world, &f.message)
                .unwrap_or_else(|| Diagnostic::file("templates", &f.message)),
        ),
        Origin::Page => None,
        Origin::Templates => Some(Diagnostic::file("templates", &f.message)),
    }
    .unwrap_or_else(|| match reports.first() {
        Some(r) => Diagnostic::file(format!("data/cities/{}", r.slug), f.message.clone()),
        None => Diagnostic::file("templates", f.message.clone()),
    });
    if let Some(hint) = &f.hint {
        d = d.hint(hint.clone());
    }
    d = d.hint(format!("proof rule `{}` (see docs/proofing.md)", f.rule));
    if f.severity == Severity::Warning { d.warning() } else { d }
}

/// `name` is `slug/part…`: the part's origin in the report of that slug.
fn locate_data(name: &str, reports: &[&Report], message: &str) -> Option<Diagnostic> {
    let (slug, part) = name.split_once('/')?;
    let report = reports.iter().find(|r| r.slug == slug)?;
    let origin = report.origin(part)?;
    Some(Diagnostic::at(&origin.path, &origin.text, origin.range.clone(), message.to_string()))
}

fn locate_span(span: Span, world: &ReportWorld, message: &str) -> Option<Diagnostic> {
    let id = span.id()?;
    let name = id.get().vpath().get_without_slash().to_string();
    let source = typst::World::source(world, id).ok()?;
    let range = world.range(span)?;
    let text: Arc<str> = Arc::from(source.text());
    Some(Diagnostic::at(name, &text, range, message.to_string()))
}
