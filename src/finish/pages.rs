//! What every page and the catalog of a print file get: the bleed box, and the document's
//! title shown rather than its file name.

use anyhow::Result;
use lopdf::{IncrementalDocument, Object};

/// Gives every page with a TrimBox its `BleedBox`: the TrimBox Typst wrote, grown by
/// `bleed_mm` and kept inside the MediaBox (beyond it is the slug with the crop marks). A page
/// without a TrimBox is left to the PDF/X check, which says so.
pub(super) fn bleed_boxes(update: &mut IncrementalDocument, bleed_mm: f64) -> Result<()> {
    let bleed = (bleed_mm / 25.4 * 72.0) as f32;
    let pages: Vec<lopdf::ObjectId> = update.get_prev_documents().get_pages().into_values().collect();
    for id in pages {
        update.opt_clone_object_to_new_document(id)?;
        let page = update.new_document.get_object_mut(id)?.as_dict_mut()?;
        let rect = |key: &[u8]| -> Option<Vec<f32>> {
            page.get(key).ok()?.as_array().ok()?.iter().map(|v| v.as_float().ok()).collect()
        };
        let (Some([ml, mb, mr, mt]), Some([tl, tb, tr, tt])) = (
            rect(b"MediaBox").and_then(|r| <[f32; 4]>::try_from(r).ok()),
            rect(b"TrimBox").and_then(|r| <[f32; 4]>::try_from(r).ok()),
        ) else {
            continue;
        };
        let bleed_box =
            [(tl - bleed).max(ml), (tb - bleed).max(mb), (tr + bleed).min(mr), (tt + bleed).min(mt)];
        page.set("BleedBox", bleed_box.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>());
    }
    Ok(())
}

/// Makes a viewer show the document's title rather than its file name (`/DisplayDocTitle`),
/// as the web and archive files do (PDF/UA asks it; Typst writes it only then).
pub(super) fn display_doc_title(update: &mut IncrementalDocument) -> Result<()> {
    let root = update.get_prev_documents().trailer.get(b"Root")?.as_reference()?;
    update.opt_clone_object_to_new_document(root)?;
    let catalog = update.new_document.get_object_mut(root)?.as_dict_mut()?;
    let mut prefs = match catalog.get(b"ViewerPreferences") {
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => lopdf::Dictionary::new(),
    };
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    Ok(())
}
