//! Typesetting and export: a [`Report`] through the templates to PDF bytes.
//!
//! Typst's own errors and warnings (in templates, or data the templates could not use) become
//! located [`Diagnostic`]s like every other error. Output is deterministic: the document date
//! and the PDF identifier come from the report, never from the clock.

use std::sync::Arc;

use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::data::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::report::contract::Report;
use crate::report::contract::protocol::REPORT_TEMPLATE;
use crate::report::output::Profile;
use crate::typeset::proof::Setting;
use crate::typeset::proof::page::Pages;
use crate::typeset::world::ReportWorld;

/// The longest report: Milan's has 14 pages; a data file at its size limit makes about 240.
pub const MAX_PAGES: usize = 400;

/// A typeset report.
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Typst's warnings (the PDF was made all the same).
    pub warnings: Vec<Diagnostic>,
    /// The laid-out pages, for pictures of them ([`page_png`]).
    pub document: PagedDocument,
    /// A print file's preflight report, written beside it (`crate::finish::preflight`).
    pub preflight: Option<String>,
}

/// A PNG picture of page `index` (0-based) at `pixel_per_pt` pixels per point, for looking
/// at a report and for visual tests. Deterministic: the same page gives the same bytes.
pub fn page_png(document: &PagedDocument, index: usize, pixel_per_pt: f64) -> Option<Vec<u8>> {
    let page = document.pages().get(index)?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        render_bleed: true,
    };
    typst_render::render(page, &options).encode_png().ok()
}

/// The PDF standards a file of `profile` is made to, checked by Typst as it writes the PDF.
/// PDF/A-2a is the strictest PDF/A that goes with PDF/UA-1: PDF/A-4 needs PDF 2.0, which
/// PDF/UA-1 does not allow.
pub fn standards(profile: Profile) -> &'static [typst_pdf::PdfStandard] {
    use typst_pdf::PdfStandard;
    match profile {
        Profile::Web => &[PdfStandard::Ua_1],
        Profile::Print => &[],
        Profile::Archive => &[PdfStandard::A_2a, PdfStandard::Ua_1],
    }
}

/// Proofs the `typeset` document of `world` ([`crate::typeset::proof`]) made of `reports` as `setting`
/// says: its errors fail the document (with Typst's warnings), its warnings join Typst's.
pub(crate) fn proofed(
    world: &ReportWorld,
    mut typeset: Typeset,
    reports: &[&Report],
    setting: Setting,
) -> Result<Typeset, Diagnostics> {
    let findings = crate::typeset::proof::proof(&typeset.pages, &setting);
    let mut found = crate::typeset::proof::diagnostics(&findings, reports, world);
    if found.iter().any(|d| !d.warning) {
        found.append(&mut typeset.warnings);
        return Err(Diagnostics(found));
    }
    typeset.warnings.append(&mut found);
    Ok(typeset)
}

/// How many times a document is typeset again to start lonely paragraphs on a new page
/// (each time fixes every paragraph found; a fix can only move later paragraphs).
const MAX_BREAK_PASSES: usize = 3;

/// Typesets a document of `reports` with `typeset(breaks)`, first without breaks, then again (at most [`MAX_BREAK_PASSES`] times) while a prose paragraph leaves a
/// single line alone on a page, with the places to break found so far. Returns the last
/// typesetting (and its World, for exporting it): only that one is exported.
pub(crate) fn typeset_paginated(
    reports: &[&Report],
    mut typeset: impl FnMut(&[String]) -> Result<(ReportWorld, Typeset), Diagnostics>,
) -> Result<(ReportWorld, Typeset), Diagnostics> {
    let mut breaks: Vec<String> = Vec::new();
    let mut done = typeset(&breaks)?;
    for _ in 0..MAX_BREAK_PASSES {
        let Some(more) = more_breaks(&done.1.pages, &breaks, reports) else { break };
        breaks = more;
        done = typeset(&breaks)?;
    }
    Ok(done)
}

/// `breaks` and where to break for each prose paragraph that leaves a single line alone on one
/// of `pages`, or whose footnote went to a later page ([`crate::typeset::paginate`]), if there are places
/// not in `breaks` yet. `reports` are the document's reports (one, or a bundle's).
fn more_breaks(pages: &Pages, breaks: &[String], reports: &[&Report]) -> Option<Vec<String>> {
    let sections: Vec<(&str, &[crate::report::contract::SectionOut])> =
        reports.iter().map(|r| (r.slug.as_str(), r.sections.as_slice())).collect();
    let mut more = breaks.to_vec();
    let lonely = crate::typeset::paginate::lonely_paragraphs(pages);
    let moved = crate::typeset::paginate::notes_on_later_pages(pages);
    for name in lonely.into_iter().chain(moved) {
        let place = crate::typeset::paginate::break_point(&sections, &name);
        if !more.contains(&place) {
            more.push(place);
        }
    }
    (more.len() > breaks.len()).then_some(more)
}

/// The report's date, for the PDF and for `datetime.today()`.
pub fn today(report: &Report) -> Result<Datetime, Diagnostics> {
    datetime(report.meta.date, format!("data/cities/{}/city.toml", report.slug))
}

/// `date` as Typst's date; `file` names where it came from if Typst cannot represent it.
pub fn datetime(date: Date, file: String) -> Result<Datetime, Diagnostics> {
    Datetime::from_ymd(date.year, date.month, date.day).ok_or_else(|| {
        Diagnostic::file(file, format!("{}-{}-{} is not a valid date", date.year, date.month, date.day))
            .into()
    })
}

/// A document laid out, not yet exported.
pub struct Typeset {
    /// The laid-out document (for page pictures).
    pub document: PagedDocument,
    /// Its pages as the pagination and the proof read them (read once).
    pub pages: Pages,
    /// Typst's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles the World's document: its pages, laid out.
pub fn typeset(world: &ReportWorld) -> Result<Typeset, Diagnostics> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let mut warnings = convert(world, &warnings);
    match output {
        Ok(document) => Ok(Typeset { pages: Pages::read(&document), document, warnings }),
        Err(errors) => {
            let mut all = convert(world, &errors);
            all.append(&mut warnings);
            Err(Diagnostics(all))
        }
    }
}

/// Exports the `typeset` document of `world` as PDF with the identifier `ident` and the date
/// `today`, made to the PDF `standards` (Typst checks them as it writes the PDF: a violation
/// is an error located in the template or data that caused it), tagged for screen readers.
pub fn export(
    world: &ReportWorld,
    typeset: Typeset,
    ident: String,
    today: Datetime,
    standards: &[PdfStandard],
) -> Result<Rendered, Diagnostics> {
    export_as(world, typeset, ident, today, standards, true)
}

/// [`export`], tagged or not: booklet sheets are not tagged (their pages are pictures of the
/// print file's, whose structure they cannot carry), so they claim no structure either.
pub fn export_as(
    world: &ReportWorld,
    typeset: Typeset,
    ident: String,
    today: Datetime,
    standards: &[PdfStandard],
    tagged: bool,
) -> Result<Rendered, Diagnostics> {
    let Typeset { document, warnings, .. } = typeset;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!("cityreport {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(today)),
        standards: PdfStandards::new(standards).map_err(|e| {
            Diagnostic::file(
                REPORT_TEMPLATE.trim_start_matches('/'),
                format!("cannot make these PDF standards: {}", e.message()),
            )
        })?,
        tagged,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| Diagnostics(convert(world, &errors)))?;
    Ok(Rendered { pdf, pages: document.pages().len(), warnings, document, preflight: None })
}

/// Typst diagnostics as ours: file (relative to the project), text and range.
fn convert(world: &ReportWorld, diags: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    diags
        .iter()
        .map(|d| {
            let mut out = match d.span.id() {
                Some(id) => {
                    let name = id.get().vpath().get_without_slash().to_string();
                    let text: Option<Arc<str>> =
                        typst::World::source(world, id).ok().map(|s| Arc::from(s.text()));
                    match (text, world.range(d.span)) {
                        (Some(text), Some(range)) => {
                            Diagnostic::at(name, &text, range, d.message.to_string())
                        }
                        _ => Diagnostic::file(name, d.message.to_string()),
                    }
                }
                None => Diagnostic::file(REPORT_TEMPLATE.trim_start_matches('/'), d.message.to_string()),
            };
            for hint in &d.hints {
                out = out.hint(hint.v.to_string());
            }
            for point in &d.trace {
                if let Some(id) = point.span.id() {
                    let name = id.get().vpath().get_without_slash().to_string();
                    let line = typst::World::source(world, id).ok().and_then(|s| {
                        world.range(point.span).map(|r| crate::diagnostics::line_column(s.text(), r.start))
                    });
                    if let Some((l, c)) = line {
                        out = out.hint(format!("{} ({name}:{l}:{c})", point.v));
                    }
                }
            }
            if d.severity == Severity::Warning {
                out = out.warning();
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Project;

    /// Renders Milan in German with its JSON changed by `edit`.
    fn render_edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Rendered, Diagnostics> {
        let project = Project::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let city = project.city("milan").unwrap();
        let report = project.report(&city, "de", crate::Output::WEB).unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&report.json(&[])).unwrap();
        edit(&mut json);
        let mut files = report.files(&[]);
        files[0].1 = serde_json::to_vec(&json).unwrap();
        let site = crate::make::Site { shared: project.shared(), print: &project.data().site.print };
        crate::make::make(
            site,
            crate::make::Source::Report(&report),
            report.output,
            "milan-de.pdf",
            Some(files),
        )
    }

    #[track_caller]
    fn fails_in(result: Result<Rendered, Diagnostics>, file: &str, says: &str) {
        let Err(errors) = result else { panic!("the templates accepted data they do not know") };
        let d = &errors.0[0];
        assert_eq!(d.path, Path::new(file), "{errors}");
        assert!(d.text.is_some(), "not located: {errors}");
        assert!(d.message.contains(says), "{errors}");
    }

    #[test]
    fn the_templates_read_their_data_unchanged() {
        assert!(render_edited(|_| {}).is_ok());
    }

    #[test]
    fn the_templates_refuse_another_schema_version() {
        let other = crate::report::contract::SCHEMA + 1;
        let result = render_edited(|j| j["schema"] = other.into());
        let says = format!(
            "report.json has schema {other}, these templates read schema {}",
            crate::report::contract::SCHEMA
        );
        fails_in(result, "templates/report.typ", &says);
        let result = render_edited(|j| _ = j.as_object_mut().unwrap().remove("schema"));
        fails_in(result, "templates/report.typ", "report.json has schema none");
    }

    #[test]
    fn the_templates_refuse_an_unknown_section_role() {
        let result = render_edited(|j| j["sections"][1]["role"] = "sidebar".into());
        fails_in(result, "templates/section.typ", "unknown section role \"sidebar\" (section 2)");
    }

    #[test]
    fn the_templates_refuse_an_unknown_node_kind() {
        let result = render_edited(|j| j["sections"][1]["blocks"][0]["kind"] = "sidebar".into());
        fails_in(result, "templates/prose.typ", "unknown node kind \"sidebar\"");
    }
}
