//! Making a file: every kind of file (web, archive, print; a booklet on top) from one report
//! or several (a bundle), by one path, each step written once:
//!
//! ```text
//! Source ─typeset─▶ pages (again with breaks where a line is left alone) ─proof─▶ ─export─▶ PDF
//!        (booklet: the pages imposed on sheets, typeset, proofed, exported)  ─finish─▶ the file
//! ```
//!
//! [`impose`] is the booklet's second document; [`crate::finish`] makes the PDF the file its
//! kind declares.
//!
//! May import: `finish`, `typeset`, `report`, `data`, `diagnostics`.

mod impose;

use std::sync::Arc;

use crate::data::{Date, PrintCondition};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::finish::{self, Print};
use crate::report::bundle::Bundle;
use crate::report::contract::protocol::{BUNDLE_TEMPLATE, REPORT_TEMPLATE};
use crate::report::contract::{Report, document_files, document_json};
use crate::report::output::{Output, Profile};
use crate::typeset::proof::Setting;
use crate::typeset::render::{self, MAX_PAGES, Rendered};
use crate::typeset::world::{ReportWorld, Shared};

/// What one PDF is made from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// One city's report in one language.
    Report(&'a Report),
    /// Several cities' reports in one language, in one PDF.
    Bundle(&'a Bundle),
}

/// The site's parts every file is made with.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    /// Fonts, templates, the printing condition's profile and total ink.
    pub shared: &'a Arc<Shared>,
    /// The printing condition of print files.
    pub print: &'a PrintCondition,
}

/// Makes `source` as the file `output` named `file` (see the module's description). `first`,
/// if given, are the files the first typesetting serves (the JSON a batch made already, for
/// the inputs hash); the pagination asks for the others.
pub fn make(
    site: Site,
    source: Source,
    output: Output,
    file: &str,
    first: Option<Vec<(String, Vec<u8>)>>,
) -> Result<Rendered, Diagnostics> {
    let shared = site.shared;
    let today = render::datetime(source.date(), source.data_file())?;
    let reports = source.reports();
    let all: Vec<_> = reports.iter().flat_map(|r| r.pictures.iter().cloned()).collect();
    let (pictures, picture_warnings) =
        crate::typeset::prepare::serve(&all, output.profile(), shared.output_profile())?;
    let mut first = first;
    let (world, typeset) = render::typeset_paginated(&reports, |breaks| {
        let files = match first.take() {
            Some(files) if breaks.is_empty() => files,
            _ => source.files(breaks),
        };
        let world = ReportWorld::with_files(Arc::clone(shared), source.template(), files, today)
            .with_pictures(&pictures);
        let mut typeset = render::typeset(&world)?;
        typeset.warnings.extend(picture_warnings.iter().cloned());
        Ok((world, typeset))
    })?;
    source.check_length(typeset.document.pages().len())?;
    let setting = Setting::of(output.report(), shared.total_ink());
    let typeset = render::proofed(&world, typeset, &reports, setting)?;
    let standards = render::standards(output.profile());
    let mut rendered = render::export(&world, typeset, source.ident(output.profile()), today, standards)?;
    if output.booklet() {
        let data = document_files(source.json(&[]), output.report(), &[]);
        let ident = source.ident(output.profile()) + "/booklet";
        let mut sheets = impose::impose(shared, data, ident, today, output, &rendered)?;
        sheets.warnings.append(&mut rendered.warnings);
        rendered = sheets;
    }
    finished(site, rendered, output, file, source.template())
}

/// `rendered` finished as `output` ([`crate::finish`]): what fails names the site's printing
/// condition for a print file, else the template the file was made from.
fn finished(
    site: Site,
    mut rendered: Rendered,
    output: Output,
    file: &str,
    template: &str,
) -> Result<Rendered, Diagnostics> {
    let print =
        (output.profile() == Profile::Print).then(|| Print::of(site.print, site.shared.output_profile()));
    let job = finish::Finishing { file, output, print };
    let done = finish::finish(std::mem::take(&mut rendered.pdf), &job).map_err(|e| match print {
        Some(_) => Diagnostic::file("data/site.toml", format!("{file}: cannot make it PDF/X-4: {e:#}"))
            .hint("the print file is checked as PDF/X-4 for the output intent of `[print]`"),
        None => Diagnostic::file(
            template.trim_start_matches('/'),
            format!("{file}: cannot finish the PDF: {e:#}"),
        ),
    })?;
    rendered.pdf = done.pdf;
    rendered.preflight = done.preflight;
    Ok(rendered)
}

impl Source<'_> {
    /// The reports the document is made of.
    fn reports(&self) -> Vec<&Report> {
        match self {
            Self::Report(report) => vec![report],
            Self::Bundle(bundle) => bundle.reports.iter().collect(),
        }
    }

    /// The template that lays it out.
    fn template(&self) -> &'static str {
        match self {
            Self::Report(_) => REPORT_TEMPLATE,
            Self::Bundle(_) => BUNDLE_TEMPLATE,
        }
    }

    /// The document's data with `breaks`.
    fn json(&self, breaks: &[String]) -> Vec<u8> {
        match self {
            Self::Report(report) => report.json(breaks),
            Self::Bundle(bundle) => document_json(bundle, breaks),
        }
    }

    /// Every file its World serves besides the templates, with `breaks`.
    fn files(&self, breaks: &[String]) -> Vec<(String, Vec<u8>)> {
        let output = match self {
            Self::Report(report) => report.output,
            Self::Bundle(bundle) => bundle.output,
        };
        document_files(self.json(breaks), output, &self.reports())
    }

    /// The PDF's identifier, the same for the same document and kind of file.
    fn ident(&self, profile: Profile) -> String {
        match self {
            // The web file's identifier predates the profiles; it stays as it was.
            Self::Report(r) if profile == Profile::Web => format!("cityreport/{}/{}", r.slug, r.lang),
            Self::Report(r) => format!("cityreport/{}/{}/{profile}", r.slug, r.lang),
            Self::Bundle(b) => {
                let slugs: Vec<&str> = b.reports.iter().map(|r| r.slug.as_str()).collect();
                format!("cityreport/bundle/{}/{}/{profile}", b.lang, slugs.join("+"))
            }
        }
    }

    /// The document's date.
    fn date(&self) -> Date {
        match self {
            Self::Report(report) => report.meta.date,
            Self::Bundle(bundle) => bundle.meta.date,
        }
    }

    /// Where the document's data is, for a message about it.
    fn data_file(&self) -> String {
        match self {
            Self::Report(report) => format!("data/cities/{}/city.toml", report.slug),
            Self::Bundle(_) => "data/cities".into(),
        }
    }

    /// Refuses a document longer than [`MAX_PAGES`] for each of its reports.
    fn check_length(&self, pages: usize) -> Result<(), Diagnostics> {
        let reports = self.reports();
        let most = MAX_PAGES * reports.len();
        if pages <= most {
            return Ok(());
        }
        let message = format!("the report has {pages} pages; a report may have at most {MAX_PAGES}");
        let place = match reports.as_slice() {
            [one] => format!("data/cities/{}", one.slug),
            _ => "data/cities".into(),
        };
        Err(Diagnostic::file(place, message)
            .hint("a city report is a few dozen pages: check the texts for pasted material")
            .into())
    }
}
