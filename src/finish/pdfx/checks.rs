//! What PDF/X-4 requires that finishing cannot fix: boxes that nest, fonts embedded, no content
//! painted in RGB.

use anyhow::{Context, Result, bail, ensure};
use lopdf::{Document, Object, ObjectId};

use super::ink::{Bounds, PageInk, number};

/// The value of the inheritable page attribute `key` of page `page`: its own or an ancestor's.
pub(super) fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// A rectangle object (four numbers, possibly behind a reference).
pub(super) fn rect_of(doc: &Document, object: &Object) -> Option<Bounds> {
    let values = doc.dereference(object).ok()?.1.as_array().ok()?;
    let v: Vec<f64> = values.iter().filter_map(number).collect();
    match v.as_slice() {
        &[a, b, c, d] if values.len() == 4 => Some(Bounds::new((a, b), (c, d))),
        _ => None,
    }
}

/// Page `page`'s box `key` (MediaBox and CropBox inherited), `None` if it has none; an error if
/// it is not a rectangle.
pub(super) fn page_rect(doc: &Document, page: ObjectId, key: &[u8]) -> Result<Option<Bounds>> {
    let value = if key == b"MediaBox" || key == b"CropBox" {
        inherited(doc, page, key)
    } else {
        doc.get_dictionary(page)?.get(key).ok()
    };
    match value {
        None => Ok(None),
        Some(v) => rect_of(doc, v).map(Some).context(format!("a {} is not a rectangle", lossy(key))),
    }
}

/// `bytes` as text, for messages.
pub(super) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks every page's boxes: a MediaBox, a TrimBox (and no ArtBox), and TrimBox within BleedBox
/// within CropBox within MediaBox (those present).
pub(super) fn check_boxes(doc: &Document) -> Result<()> {
    for (number, id) in doc.get_pages() {
        let context = || format!("page {number}");
        let media = page_rect(doc, id, b"MediaBox").with_context(context)?;
        let media = media.with_context(|| format!("page {number} has no MediaBox"))?;
        let crop = page_rect(doc, id, b"CropBox").with_context(context)?.unwrap_or(media);
        let bleed = page_rect(doc, id, b"BleedBox").with_context(context)?.unwrap_or(crop);
        let trim = page_rect(doc, id, b"TrimBox").with_context(context)?;
        let trim = trim.with_context(|| format!("page {number} has no TrimBox"))?;
        ensure!(page_rect(doc, id, b"ArtBox")?.is_none(), "page {number} has both a TrimBox and an ArtBox");
        ensure!(trim.x1 > trim.x0 && trim.y1 > trim.y0, "page {number}'s TrimBox is empty");
        for (outer, inner, what) in [
            (media, crop, "CropBox in MediaBox"),
            (crop, bleed, "BleedBox in CropBox"),
            (bleed, trim, "TrimBox in BleedBox"),
        ] {
            ensure!(
                outer.contains(inner),
                "page {number}: the boxes do not nest ({what}: {inner:?} in {outer:?})"
            );
        }
    }
    Ok(())
}

/// Every font of `doc` but Type 0 fonts (whose glyphs are their descendant's, listed
/// themselves): its `BaseFont` (`Type 3` when it has none), and whether it is embedded (a
/// Type 3 font is its own glyph program).
pub fn fonts(doc: &Document) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        let subtype = font.get(b"Subtype").and_then(Object::as_name).unwrap_or_default();
        if !font.has_type(b"Font") || subtype == b"Type0" {
            continue;
        }
        let name = font.get(b"BaseFont").and_then(Object::as_name).map_or("Type 3".into(), lossy);
        let descriptor = font.get(b"FontDescriptor").and_then(|d| doc.dereference(d)).ok();
        let descriptor = descriptor.and_then(|(_, d)| d.as_dict().ok());
        let embedded = subtype == b"Type3"
            || descriptor
                .is_some_and(|d| [&b"FontFile"[..], b"FontFile2", b"FontFile3"].iter().any(|k| d.has(k)));
        out.push((name, embedded));
    }
    out
}

/// Checks that every font is embedded.
pub(super) fn check_fonts(doc: &Document) -> Result<()> {
    let missing: Vec<String> = fonts(doc).into_iter().filter(|(_, e)| !e).map(|(n, _)| n).collect();
    ensure!(missing.is_empty(), "fonts not embedded: {}", missing.join(", "));
    Ok(())
}

/// Fails if the inks `inks` of a file's pages ([`super::ink_coverage_of`]) hold RGB.
pub(super) fn no_rgb(inks: &[PageInk]) -> Result<()> {
    let found: Vec<String> =
        inks.iter().flat_map(|p| p.rgb.iter().map(move |what| format!("page {}: {what}", p.page))).collect();
    if !found.is_empty() {
        bail!("the PDF paints in RGB, which a CMYK print file may not: {}", found.join("; "));
    }
    Ok(())
}
