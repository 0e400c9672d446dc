//! PDF/X-4 (ISO 15930-7:2010) for print files, and the inks they print with.
//!
//! In the finishing step's one incremental update, a print PDF that Typst wrote becomes a
//! PDF/X-4 file with a CMYK output intent ([`intent`]): [`convert`] converts its RGB vector
//! colours through the output profile ([`vector`]); once its inks are measured and found
//! CMYK ([`no_rgb`]), [`declare`] makes RGB groups and annotation colours CMYK, drops RGB
//! colour spaces no content uses ([`colour`]) and writes the metadata that says PDF/X-4
//! ([`xmp`]). [`check`] refuses what cannot be fixed ([`checks`]). Typst's bytes, and
//! with them its structure tree, stay as they are, but for the version in the header (1.7
//! becomes 1.6, a change of one byte that moves nothing: [`set_header_version`]). The result
//! is deterministic: no clock, identifiers derived from the input.
//!
//! [`ink_coverage`] reads, page by page, the colours the content paints with, for checking a
//! total ink limit.

use anyhow::{Result, ensure};
use lopdf::{Document, IncrementalDocument, Object};

mod checks;
mod colour;
mod ink;
mod intent;
mod vector;
mod xmp;

pub use checks::fonts;
pub use ink::{PageInk, ink_coverage, ink_coverage_of};
pub use intent::{OutputIntent, instance_id};

/// The PDF version PDF/X-4 is based on.
pub(crate) const VERSION: &str = "1.6";

/// Converts, in `update`, the RGB colours of vector content (an SVG picture's) to CMYK
/// through the output profile of `intent` (`vector`): the first half of making a print PDF a
/// PDF/X-4 file, after which its inks can be measured ([`no_rgb`]) and [`declare`] finishes.
///
/// Fails on a profile [`OutputIntent::check`] refuses, or an encrypted file.
pub fn convert(update: &mut IncrementalDocument, intent: &OutputIntent) -> Result<()> {
    intent.check()?;
    let doc = update.get_prev_documents();
    ensure!(!doc.is_encrypted(), "the PDF is encrypted, which PDF/X forbids");
    let cmyk = vector::rgb_content_as_cmyk(doc, intent.icc)?;
    for (id, stream) in cmyk {
        update.new_document.objects.insert(id, Object::Stream(stream));
    }
    Ok(())
}

/// Fails if a page paints in RGB (measured by [`ink_coverage_of`]), which cannot be changed
/// without converting colours.
pub fn no_rgb(inks: &[PageInk]) -> Result<()> {
    checks::no_rgb(inks)
}

/// Makes the print PDF in `update`, its colours converted ([`convert`]) and found CMYK
/// ([`no_rgb`]), a PDF/X-4 file for the printing condition `intent`, with the instance
/// identifier `instance` ([`instance_id`]).
///
/// Adds: the output intent with the embedded profile; XMP metadata that says PDF/X-4
/// (`pdfxid:GTS_PDFXVersion`), not trapped, with its dates, document, version and instance
/// identifiers and rendition class, and everything else Typst wrote kept; `/Trapped /False` and
/// `/GTS_PDFXVersion` in the document information; the version 1.6 in the catalog. Makes the
/// blending colour space of RGB transparency groups DeviceCMYK, gives annotation colours in RGB
/// as CMYK, and drops RGB colour spaces no content uses. The links are removed by the caller,
/// in the same update. Fails on no title or no date; [`check`] does the rest once every edit
/// is made.
pub fn declare(update: &mut IncrementalDocument, instance: [u8; 16], intent: &OutputIntent) -> Result<()> {
    update.new_document.version = VERSION.to_string();
    colour::transparency_groups_cmyk(update)?;
    colour::annotation_colours_cmyk(update)?;
    colour::drop_rgb_colour_spaces(update)?;
    let dates = xmp::info_pdfx(update)?;
    intent::catalog_pdfx(update, intent, &dates, &instance)
}

/// Checks the finished print file `doc` (every edit made): a TrimBox on every page and boxes
/// that nest (TrimBox ⊆ BleedBox ⊆ CropBox ⊆ MediaBox), and every font embedded.
pub fn check(doc: &Document) -> Result<()> {
    checks::check_boxes(doc)?;
    checks::check_fonts(doc)
}

/// Sets the version in the file's header to [`VERSION`] (the header of a PDF 1.4 to 1.7 file
/// has the same length in every version, so no offset moves).
pub fn set_header_version(pdf: &mut [u8]) -> Result<()> {
    let header = pdf.get(..8).unwrap_or_default();
    ensure!(
        header.starts_with(b"%PDF-1.") && (b'4'..=b'7').contains(&header[7]),
        "the PDF's header is not that of PDF 1.4 to 1.7: {:?}",
        String::from_utf8_lossy(header)
    );
    pdf[7] = VERSION.as_bytes()[2];
    Ok(())
}

#[cfg(test)]
mod tests;
