//! Print files made from typeset reports: [`impose`] puts A5 pages two to a side of A4 sheets
//! in saddle-stitch order (booklets); [`bundle`] puts several cities in one PDF for an event.
//! The print profile itself (bleed, crop marks, CMYK) is a kind of file,
//! [`Output`](crate::report::output::Output), that the templates draw.
//!
//! May import: `typeset`, `report`, `data`, `diagnostics`, and the crate's
//! [`Project`](crate::Project).

pub mod bundle;
pub mod impose;

use crate::report::localize::Report;
use crate::report::output::Output;
use crate::typeset::render::Rendered;
use crate::{Diagnostics, Project};

/// Typesets one report as the file `output` (the report made with
/// [`Project::report`] for `output.report()`): a booklet's sheets are imposed from its print
/// pages, any other file is the report's own pages.
pub fn make(project: &Project, report: &Report, output: Output) -> Result<Rendered, Diagnostics> {
    let rendered = project.render(report)?;
    if output.booklet { impose::booklet(project.shared(), report, output, rendered) } else { Ok(rendered) }
}
