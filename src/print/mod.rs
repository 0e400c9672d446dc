//! Print files made from typeset reports: [`impose`] puts A5 pages two to a side of A4 sheets
//! in saddle-stitch order (booklets); [`bundle`] puts several cities in one PDF for an event.
//! The print profile itself (bleed, crop marks, CMYK) is a kind of file,
//! [`Output`](crate::report::output::Output), that the templates draw.
//!
//! May import: `typeset`, `report`, `data`, `diagnostics`, and the crate's
//! [`Project`](crate::Project).

pub mod bundle;
pub mod impose;
pub mod pdfx;
pub mod preflight;

use crate::report::contract::Report;
use crate::report::output::{Output, Profile};
use crate::typeset::render::Rendered;
use crate::{Diagnostic, Diagnostics, Project};

/// Typesets one report as the file `output` (the report made with
/// [`Project::report`] for `output.report()`): a booklet's sheets are imposed from its print
/// pages, any other file is the report's own pages.
pub fn make(project: &Project, report: &Report, output: Output) -> Result<Rendered, Diagnostics> {
    let mut rendered = project.render(report)?;
    if output.booklet {
        rendered = impose::booklet(project.shared(), report, output, rendered)?;
    }
    finish(project, rendered, output, &output.file_name(&report.slug, &report.lang))
}

/// Finishes the file `rendered`, made as `output` and named `file`: a print file becomes PDF/X-4
/// for the site's printing condition ([`pdfx`]; its links go), with its preflight report
/// ([`preflight`]); other files are as Typst wrote them.
pub fn finish(
    project: &Project,
    mut rendered: Rendered,
    output: Output,
    file: &str,
) -> Result<Rendered, Diagnostics> {
    if output.profile != Profile::Print {
        return Ok(rendered);
    }
    let condition = &project.data().site.print;
    let intent = pdfx::OutputIntent {
        icc: project.output_profile(),
        identifier: &condition.condition,
        condition: &condition.info,
        registry: "http://www.color.org",
        info: &condition.info,
    };
    let failed = |what: &str, e: anyhow::Error| {
        Diagnostic::file("data/site.toml", format!("{file}: cannot {what}: {e:#}"))
            .hint("the print file is checked as PDF/X-4 for the output intent of `[print]`")
    };
    rendered.pdf = pdfx::to_pdfx4(std::mem::take(&mut rendered.pdf), &intent)
        .map_err(|e| failed("make it PDF/X-4", e))?;
    let job = preflight::Job { file, output, condition };
    rendered.preflight = Some(preflight::report(&rendered.pdf, &job).map_err(|e| failed("preflight it", e))?);
    Ok(rendered)
}
