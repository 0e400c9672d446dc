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
use typst_pdf::{PdfOptions, Timestamp};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::localize::Report;
use crate::world::{MAIN_PATH, ReportWorld, Shared};

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
}

/// A PNG picture of page `index` (0-based) at `pixel_per_pt` pixels per point, for looking
/// at a report and for visual tests. Deterministic: the same page gives the same bytes.
pub fn page_png(document: &PagedDocument, index: usize, pixel_per_pt: f64) -> Option<Vec<u8>> {
    let page = document.pages().get(index)?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        render_bleed: false,
    };
    typst_render::render(page, &options).encode_png().ok()
}

/// The JSON the templates receive for `report` (what `export-data` prints).
pub fn report_json(report: &Report) -> Vec<u8> {
    // Serialising plain data structures cannot fail.
    let mut json = serde_json::to_vec_pretty(report).expect("report serialises to JSON");
    json.push(b'\n');
    json
}

/// Typesets `report` and exports it as PDF.
pub fn render(shared: &Arc<Shared>, report: &Report) -> Result<Rendered, Diagnostics> {
    render_json(shared, report, report_json(report))
}

/// Typesets `report`, whose JSON (from [`report_json`]) is `json`.
pub fn render_json(shared: &Arc<Shared>, report: &Report, json: Vec<u8>) -> Result<Rendered, Diagnostics> {
    let date = report.meta.date;
    let today = Datetime::from_ymd(date.year, date.month, date.day).ok_or_else(|| {
        Diagnostics::from(Diagnostic::file(
            format!("data/cities/{}/city.toml", report.slug),
            format!("{}-{}-{} is not a valid date", date.year, date.month, date.day),
        ))
    })?;
    let world = ReportWorld::new(shared.clone(), json, today);

    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let mut warnings = convert(&world, &warnings);
    let document = match output {
        Ok(doc) => doc,
        Err(errors) => {
            let mut all = convert(&world, &errors);
            all.append(&mut warnings);
            return Err(Diagnostics(all));
        }
    };

    let options = PdfOptions {
        ident: Smart::Custom(format!("cityreport/{}/{}", report.slug, report.lang)),
        creator: Smart::Custom(Some(format!("cityreport {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(today)),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| Diagnostics(convert(&world, &errors)))?;
    Ok(Rendered { pdf, pages: document.pages().len(), warnings, document })
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
                None => Diagnostic::file(MAIN_PATH.trim_start_matches('/'), d.message.to_string()),
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
        let report = project.report(&city, "de");
        let mut json: serde_json::Value = serde_json::from_slice(&report_json(&report)).unwrap();
        edit(&mut json);
        render_json(project.shared(), &report, serde_json::to_vec(&json).unwrap())
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
        let result = render_edited(|j| j["schema"] = 2.into());
        fails_in(result, "templates/report.typ", "report.json has schema 2, these templates read schema 1");
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
        let result = render_edited(|j| j["sections"][1]["blocks"][0]["kind"] = "table".into());
        fails_in(result, "templates/prose.typ", "unknown node kind \"table\"");
    }
}
