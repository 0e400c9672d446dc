//! Booklets: the pages of an A5 print report imposed two to a side of sheets twice as wide (A4
//! landscape), in saddle-stitch order, each sheet with its own bleed and crop marks.
//!
//! The imposition is a second Typst document, `templates/booklet.typ`, that places each page
//! of the print PDF as the vector PDF page it is (text, fonts and colours stay as they are);
//! nothing is rasterised.

use std::sync::Arc;

use serde::Serialize;
use typst::foundations::Datetime;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::report::localize::Report;
use crate::report::output::Output;
use crate::typeset::render::{self, Rendered};
use crate::typeset::world::{DATA_PATH, ReportWorld, Shared};

/// The imposition template.
pub const BOOKLET_TEMPLATE: &str = "/templates/booklet.typ";
/// The virtual files the imposition template reads besides the report's JSON.
pub const BOOKLET_JSON: &str = "/booklet.json";
/// The virtual path the print pages are served at to `templates/booklet.typ`.
pub const BOOKLET_PAGES: &str = "/booklet-pages.pdf";

/// One side of a sheet: the pages on its left and right half (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Side {
    /// 1-based.
    pub sheet: usize,
    /// Front or back of the sheet.
    pub front: bool,
    /// 0-based index of the print page on the sheet's left half, if any.
    pub left: usize,
    /// The same for the right half.
    pub right: usize,
}

/// The sides of the sheets of a saddle-stitched booklet of `pages` pages (a multiple of 4),
/// in printing order: the first sheet's front carries the last page and the first (16|1),
/// its back the second and the second-to-last (2|15), and so on inwards.
pub fn saddle_stitch(pages: usize) -> Vec<Side> {
    let mut sides = Vec::with_capacity(pages / 2);
    for i in 0..pages / 4 {
        let (outer, inner) = (pages - 2 * i, 2 * i + 1);
        sides.push(Side { sheet: i + 1, front: true, left: outer, right: inner });
        sides.push(Side { sheet: i + 1, front: false, left: inner + 1, right: outer - 1 });
    }
    sides
}

#[derive(Serialize)]
struct Booklet {
    pages: usize,
    sides: Vec<Side>,
}

/// Imposes the rendered print report `pages` (of `report`, whose paper is A5) as a booklet
/// made as `output`; its warnings are the pages' and the sheets'.
pub fn booklet(
    shared: &Arc<Shared>,
    report: &Report,
    output: Output,
    mut pages: Rendered,
) -> Result<Rendered, Diagnostics> {
    let ident = format!("cityreport/{}/{}/booklet", report.slug, report.lang);
    let today = render::today(report)?;
    let mut sheets = impose(shared, render::report_json(report), ident, today, output, &pages)?;
    sheets.warnings.append(&mut pages.warnings);
    Ok(sheets)
}

/// Imposes the print pages `pages` of the document whose data is `data` (the JSON it was made
/// from: a report's or a bundle's, giving the title, language and output) as a booklet.
pub fn impose(
    shared: &Arc<Shared>,
    data: Vec<u8>,
    ident: String,
    today: Datetime,
    output: Output,
    pages: &Rendered,
) -> Result<Rendered, Diagnostics> {
    let file = crate::typeset::world::MAIN_PATH.trim_start_matches('/');
    if pages.pages == 0 || !pages.pages.is_multiple_of(4) {
        let message = format!(
            "a booklet needs a page count that is a multiple of 4, and the print file has {} pages",
            pages.pages
        );
        return Err(Diagnostic::file(file, message)
            .hint("the print profile pads with blank pages before the back cover; check that the templates still call `pad-to-four`")
            .into());
    }
    let booklet = Booklet { pages: pages.pages, sides: saddle_stitch(pages.pages) };
    // Serialising plain data structures cannot fail.
    let json = serde_json::to_vec(&booklet).expect("booklet serialises to JSON");
    let world = ReportWorld::with_files(
        shared.clone(),
        BOOKLET_TEMPLATE,
        vec![(DATA_PATH, data), (BOOKLET_JSON, json), (BOOKLET_PAGES, pages.pdf.clone())],
        today,
    );
    let typeset = render::typeset(&world)?;
    let typeset = render::proofed(&world, typeset, &[], crate::typeset::proof::Setting::of(output))?;
    let mut sheets = render::export_as(&world, typeset, ident, today, &[], false)?;
    sheets.finish_print(output, BOOKLET_TEMPLATE)?;
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_pages_fold_as_a_saddle_stitched_booklet() {
        let order: Vec<(usize, usize)> = saddle_stitch(16).iter().map(|s| (s.left, s.right)).collect();
        assert_eq!(order, [(16, 1), (2, 15), (14, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9)]);
        assert_eq!(saddle_stitch(4).iter().map(|s| (s.left, s.right)).collect::<Vec<_>>(), [(4, 1), (2, 3)]);
        // Every page once.
        let mut all: Vec<usize> = saddle_stitch(24).iter().flat_map(|s| [s.left, s.right]).collect();
        all.sort();
        assert_eq!(all, (1..=24).collect::<Vec<_>>());
    }
}
