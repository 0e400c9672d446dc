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
use crate::report::contract::protocol::{
    BOOKLET_JSON, BOOKLET_PAGES, BOOKLET_TEMPLATE, PAD_TO_FOUR, REPORT_TEMPLATE,
};
use crate::report::output::Output;
use crate::typeset::render::{self, Rendered};
use crate::typeset::world::{ReportWorld, Shared};

/// One side of a sheet: the pages on its left and right half (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Side {
    /// 1-based.
    pub sheet: usize,
    /// Front or back of the sheet.
    pub front: bool,
    /// 0-based index of the print page on the sheet's left half, if any.
    pub left: usize,
    /// The same for the right half.
    pub right: usize,
    /// How far both pages move toward the spine, in millimetres: the creep compensation, one
    /// sheet's creep for each sheet outside this one.
    pub creep: f64,
}

/// The sides of the sheets of a saddle-stitched booklet of `pages` pages (a multiple of 4),
/// in printing order: the first sheet's front carries the last page and the first (16|1),
/// its back the second and the second-to-last (2|15), and so on inwards.
/// Each sheet's pages move `creep` mm toward the spine per sheet outside it.
pub(crate) fn saddle_stitch(pages: usize, creep: f64) -> Vec<Side> {
    let mut sides = Vec::with_capacity(pages / 2);
    for i in 0..pages / 4 {
        let (outer, inner) = (pages - 2 * i, 2 * i + 1);
        // Micrometres, as the creep is given: the same JSON for the same file.
        let creep = (i as f64 * creep * 1000.0).round() / 1000.0;
        sides.push(Side { sheet: i + 1, front: true, left: outer, right: inner, creep });
        sides.push(Side { sheet: i + 1, front: false, left: inner + 1, right: outer - 1, creep });
    }
    sides
}

#[derive(Serialize)]
struct Booklet {
    pages: usize,
    sides: Vec<Side>,
}

/// Imposes the print pages `pages` of the document whose World served `document` (the files
/// of the data it was made from, a report's or a bundle's: giving the title, language and
/// output) as a booklet, exported and not yet finished.
pub(crate) fn impose(
    shared: &Arc<Shared>,
    mut document: Vec<(String, Vec<u8>)>,
    ident: String,
    today: Datetime,
    output: Output,
    pages: &Rendered,
) -> Result<Rendered, Diagnostics> {
    let file = REPORT_TEMPLATE.trim_start_matches('/');
    if pages.pages == 0 || !pages.pages.is_multiple_of(4) {
        let message = format!(
            "a booklet needs a page count that is a multiple of 4, and the print file has {} pages",
            pages.pages
        );
        return Err(Diagnostic::file(file, message)
            .hint(format!("the print profile pads with blank pages before the back cover; check that the templates still call `{PAD_TO_FOUR}`"))
            .into());
    }
    // The innermost sheet's pages move furthest, into their outer bleed: at least 1 mm of it
    // must stay, or the fore-edge of the inner pages would be cut white.
    let innermost = (pages.pages / 4).saturating_sub(1) as f64 * output.creep_mm();
    if innermost > output.bleed_mm() - 1.0 + 1e-9 {
        let message = format!(
            "a creep of {} mm per sheet moves the innermost of {} sheets {innermost:.2} mm, more than the {} mm bleed less 1 mm",
            output.creep_mm(),
            pages.pages / 4,
            output.bleed_mm()
        );
        return Err(Diagnostic::file("--creep", message)
            .hint("give a smaller --creep (the paper's thickness per sheet, about 0.1 mm), or make a thinner booklet")
            .into());
    }
    let booklet = Booklet { pages: pages.pages, sides: saddle_stitch(pages.pages, output.creep_mm()) };
    // Serialising plain data structures cannot fail.
    let json = serde_json::to_vec(&booklet).expect("booklet serialises to JSON");
    document.push((BOOKLET_JSON.to_string(), json));
    document.push((BOOKLET_PAGES.to_string(), pages.pdf.clone()));
    let world = ReportWorld::with_files(shared.clone(), BOOKLET_TEMPLATE, document, today);
    let typeset = render::typeset(&world)?;
    let typeset = render::proofed(
        &world,
        typeset,
        &[],
        crate::typeset::proof::Setting::of(output, shared.total_ink()),
    )?;
    render::export_as(&world, typeset, ident, today, &[], false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_pages_fold_as_a_saddle_stitched_booklet() {
        let order: Vec<(usize, usize)> = saddle_stitch(16, 0.0).iter().map(|s| (s.left, s.right)).collect();
        assert_eq!(order, [(16, 1), (2, 15), (14, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9)]);
        assert_eq!(
            saddle_stitch(4, 0.0).iter().map(|s| (s.left, s.right)).collect::<Vec<_>>(),
            [(4, 1), (2, 3)]
        );
        // Every page once.
        let mut all: Vec<usize> = saddle_stitch(24, 0.0).iter().flat_map(|s| [s.left, s.right]).collect();
        all.sort();
        assert_eq!(all, (1..=24).collect::<Vec<_>>());
    }

    #[test]
    fn each_sheet_creeps_one_thickness_more_than_the_sheet_around_it() {
        let creep: Vec<(usize, f64)> = saddle_stitch(16, 0.115).iter().map(|s| (s.sheet, s.creep)).collect();
        assert_eq!(
            creep,
            [(1, 0.0), (1, 0.0), (2, 0.115), (2, 0.115), (3, 0.23), (3, 0.23), (4, 0.345), (4, 0.345)]
        );
    }
}
