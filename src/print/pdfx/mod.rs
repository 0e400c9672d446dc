//! PDF/X-4 (ISO 15930-7:2010) for print files, and the inks they print with.
//!
//! [`to_pdfx4`] finishes a print PDF that Typst wrote (after the bleed boxes are set) as
//! PDF/X-4 with a CMYK output intent, as an incremental update: Typst's bytes, and with them
//! its structure tree, stay as they are, but for the version in the header (1.7 becomes 1.6, a
//! change of one byte that moves nothing). The result is deterministic: no clock, identifiers
//! derived from the input.
//!
//! [`ink_coverage`] reads, page by page, the colours the content paints with, for checking a
//! total ink limit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail, ensure};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

mod ink;
mod vector;

pub use ink::{PageInk, ink_coverage, ink_coverage_of};
use ink::{Rect, number, page_ink};

/// The print condition a PDF/X file is made for: its output intent.
#[derive(Debug, Clone, Copy)]
pub struct OutputIntent<'a> {
    /// The ICC profile of the printing condition: an output (`prtr`) profile for CMYK, ICC
    /// version 2 or 4.0–4.2 (what PDF/X-4 allows).
    pub icc: &'a [u8],
    /// `/OutputConditionIdentifier`: the condition's name in the ICC registry, e.g. `FOGRA51`.
    pub identifier: &'a str,
    /// `/OutputCondition`: a description people read, e.g. `PSO Coated v3 (FOGRA51), 300 %`.
    pub condition: &'a str,
    /// `/RegistryName`: where `identifier` is registered, e.g. `http://www.color.org`.
    pub registry: &'a str,
    /// `/Info`: more about the condition, e.g. the profile's name.
    pub info: &'a str,
}

impl OutputIntent<'_> {
    /// Checks that the profile is one PDF/X-4 accepts as a CMYK output intent: a whole ICC
    /// profile (its declared size is its length, `acsp` signature) of device class `prtr`,
    /// colour space `CMYK`, ICC version 2.x or 4.0–4.2; and that the identifier is given.
    pub fn check(&self) -> Result<()> {
        let icc = self.icc;
        ensure!(icc.len() >= 132, "the output profile has {} bytes, fewer than an ICC header", icc.len());
        let size = u32::from_be_bytes([icc[0], icc[1], icc[2], icc[3]]) as usize;
        ensure!(size == icc.len(), "the output profile says it has {size} bytes but has {}", icc.len());
        ensure!(&icc[36..40] == b"acsp", "the output profile is not an ICC profile (no 'acsp')");
        let text = |range: std::ops::Range<usize>| String::from_utf8_lossy(&icc[range]).into_owned();
        ensure!(
            &icc[12..16] == b"prtr",
            "the output profile is for a '{}' device, not a printer",
            text(12..16)
        );
        ensure!(&icc[16..20] == b"CMYK", "the output profile's colour space is '{}', not CMYK", text(16..20));
        let (major, minor) = (icc[8], icc[9] >> 4);
        ensure!(
            major == 2 || (major == 4 && minor <= 2),
            "the output profile has ICC version {major}.{minor}; PDF/X-4 takes 2.x or 4.0 to 4.2"
        );
        ensure!(!self.identifier.trim().is_empty(), "the output condition has no identifier");
        Ok(())
    }
}

/// The PDF version PDF/X-4 is based on.
const VERSION: &str = "1.6";

/// Makes the print PDF `pdf` a PDF/X-4 file for the printing condition `intent`.
///
/// Adds, as an incremental update: the output intent with the embedded profile; XMP metadata
/// that says PDF/X-4 (`pdfxid:GTS_PDFXVersion`), not trapped, with its dates, document,
/// version and instance identifiers and rendition class, and everything else Typst wrote kept;
/// `/Trapped /False` and `/GTS_PDFXVersion` in the document information; the version 1.6.
/// Removes the link annotations (a link cannot be followed on paper, and a print shop's
/// preflight refuses annotations inside the page and actions) and the structure tree's
/// references to them. Converts the RGB colours of vector content (an SVG picture's) to CMYK
/// through the output profile (`vector`). Makes the blending colour space of RGB transparency groups DeviceCMYK, gives annotation
/// colours in RGB as CMYK, and drops RGB colour spaces no content uses.
///
/// Fails, saying why, where it cannot make the file conform: a profile [`OutputIntent::check`]
/// refuses, an encrypted file, a page without a TrimBox or with boxes that do not nest
/// (TrimBox ⊆ BleedBox ⊆ CropBox ⊆ MediaBox), a font not embedded, content painted in RGB
/// (see [`ink_coverage`]), no title or no date.
pub fn to_pdfx4(pdf: Vec<u8>, intent: &OutputIntent) -> Result<Vec<u8>> {
    intent.check()?;
    let doc = Document::load_mem(&pdf).context("cannot read the PDF")?;
    ensure!(!doc.is_encrypted(), "the PDF is encrypted, which PDF/X forbids");
    check_boxes(&doc)?;
    check_fonts(&doc)?;
    let cmyk = vector::rgb_content_as_cmyk(&doc, intent.icc)?;
    if cmyk.is_empty() {
        check_no_rgb(&doc)?;
    } else {
        let mut converted = doc.clone();
        for (id, stream) in &cmyk {
            converted.objects.insert(*id, Object::Stream(stream.clone()));
        }
        check_no_rgb(&converted)?;
    }
    let instance = instance_id(&pdf, intent);
    let mut update = IncrementalDocument::create_from(pdf, doc);
    update.new_document.version = VERSION.to_string();
    for (id, stream) in cmyk {
        update.new_document.objects.insert(id, Object::Stream(stream));
    }
    remove_links(&mut update)?;
    transparency_groups_cmyk(&mut update)?;
    annotation_colours_cmyk(&mut update)?;
    drop_rgb_colour_spaces(&mut update)?;
    let dates = info_pdfx(&mut update)?;
    catalog_pdfx(&mut update, intent, &dates, &instance)?;
    let mut out = Vec::new();
    update.save_to(&mut out).context("cannot write the PDF")?;
    set_header_version(&mut out)?;
    Ok(out)
}

/// Sets the version in the file's header to [`VERSION`] (the header of a PDF 1.4 to 1.7 file
/// has the same length in every version, so no offset moves).
fn set_header_version(pdf: &mut [u8]) -> Result<()> {
    let header = pdf.get(..8).unwrap_or_default();
    ensure!(
        header.starts_with(b"%PDF-1.") && (b'4'..=b'7').contains(&header[7]),
        "the PDF's header is not that of PDF 1.4 to 1.7: {:?}",
        String::from_utf8_lossy(header)
    );
    pdf[7] = VERSION.as_bytes()[2];
    Ok(())
}

/// An identifier for the file made from `pdf` for `intent`: a hash of both.
fn instance_id(pdf: &[u8], intent: &OutputIntent) -> [u8; 16] {
    let mut hash = Sha256::new();
    for part in [pdf, intent.icc, intent.identifier.as_bytes(), intent.condition.as_bytes()] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let digest = hash.finalize();
    let mut id = [0; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// `bytes` (16) as a UUID URN, `uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
fn uuid(bytes: &[u8; 16]) -> String {
    let mut s = String::from("uuid:");
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// The value of the inheritable page attribute `key` of page `page`: its own or an ancestor's.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
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
fn rect_of(doc: &Document, object: &Object) -> Option<Rect> {
    let values = doc.dereference(object).ok()?.1.as_array().ok()?;
    let v: Vec<f64> = values.iter().filter_map(number).collect();
    match v.as_slice() {
        &[a, b, c, d] if values.len() == 4 => Some(Rect::new((a, b), (c, d))),
        _ => None,
    }
}

/// Page `page`'s box `key` (MediaBox and CropBox inherited), `None` if it has none; an error if
/// it is not a rectangle.
fn page_rect(doc: &Document, page: ObjectId, key: &[u8]) -> Result<Option<Rect>> {
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
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks every page's boxes: a MediaBox, a TrimBox (and no ArtBox), and TrimBox within BleedBox
/// within CropBox within MediaBox (those present).
fn check_boxes(doc: &Document) -> Result<()> {
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
fn check_fonts(doc: &Document) -> Result<()> {
    let missing: Vec<String> = fonts(doc).into_iter().filter(|(_, e)| !e).map(|(n, _)| n).collect();
    ensure!(missing.is_empty(), "fonts not embedded: {}", missing.join(", "));
    Ok(())
}

/// Checks that no page paints in RGB ([`ink_coverage`]), which cannot be changed without
/// converting colours.
fn check_no_rgb(doc: &Document) -> Result<()> {
    let mut found = Vec::new();
    for (number, id) in doc.get_pages() {
        let ink = page_ink(doc, number as usize, id)?;
        found.extend(ink.rgb.iter().map(|what| format!("page {number}: {what}")));
    }
    if !found.is_empty() {
        bail!("the PDF paints in RGB, which a CMYK print file may not: {}", found.join("; "));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Colour rewrites
// ---------------------------------------------------------------------------------------------

/// Whether the colour space `space` (as written in a resource or group) is an RGB one:
/// DeviceRGB, CalRGB, a 3-component ICCBased space, or Indexed on one of them.
fn is_rgb_space(doc: &Document, space: &Object) -> bool {
    is_rgb_space_at(doc, space, 0)
}

/// [`is_rgb_space`] for a space `depth` bases down (an Indexed space's base is one down).
fn is_rgb_space_at(doc: &Document, space: &Object, depth: usize) -> bool {
    let Ok((_, space)) = doc.dereference(space) else { return false };
    match space {
        Object::Name(name) => matches!(name.as_slice(), b"DeviceRGB" | b"RGB"),
        Object::Array(items) => match items.first().and_then(|n| n.as_name().ok()) {
            Some(b"CalRGB") => true,
            Some(b"ICCBased") => {
                items
                    .get(1)
                    .and_then(|s| doc.dereference(s).ok())
                    .and_then(|(_, s)| s.as_stream().ok()?.dict.get(b"N").ok()?.as_i64().ok())
                    == Some(3)
            }
            Some(b"Indexed" | b"I") => {
                depth < 8 && items.get(1).is_some_and(|base| is_rgb_space_at(doc, base, depth + 1))
            }
            _ => false,
        },
        _ => false,
    }
}

/// Follows the keys `path` from object `owner` through direct dictionaries and references;
/// returns the object holding the last dictionary reached and the keys from it to there, or
/// `None` where a key is missing or not a dictionary.
fn locate(doc: &Document, owner: ObjectId, path: &[&[u8]]) -> Option<(ObjectId, Vec<Vec<u8>>)> {
    let (mut id, mut keys) = (owner, Vec::new());
    let mut dict = object_dict(doc.get_object(id).ok()?)?;
    for key in path {
        match dict.get(key).ok()? {
            Object::Reference(r) => {
                (id, keys) = (*r, Vec::new());
                dict = object_dict(doc.get_object(*r).ok()?)?;
            }
            Object::Dictionary(d) => {
                keys.push(key.to_vec());
                dict = d;
            }
            _ => return None,
        }
    }
    Some((id, keys))
}

/// A dictionary object's dictionary, or a stream's.
fn object_dict(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Mutable [`object_dict`].
fn object_dict_mut(object: &mut Object) -> Option<&mut Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&mut s.dict),
        _ => None,
    }
}

/// Edits, in the update, the dictionary that [`locate`] found: copies its object into the new
/// revision and calls `edit` on the dictionary.
fn edit_at(
    update: &mut IncrementalDocument,
    (id, keys): (ObjectId, Vec<Vec<u8>>),
    edit: impl FnOnce(&mut Dictionary),
) -> Result<()> {
    update.opt_clone_object_to_new_document(id)?;
    let object = update.new_document.get_object_mut(id)?;
    let mut dict = object_dict_mut(object).context("not a dictionary")?;
    for key in &keys {
        dict = dict.get_mut(key)?.as_dict_mut()?;
    }
    edit(dict);
    Ok(())
}

/// Gives every transparency group (of pages and Form XObjects) whose blending colour space is
/// RGB the blending space DeviceCMYK: prepress checks reject an RGB group in a CMYK file (a
/// DeviceRGB one breaks PDF/X-4, which allows device RGB only under an RGB output intent).
fn transparency_groups_cmyk(update: &mut IncrementalDocument) -> Result<()> {
    let doc = update.get_prev_documents();
    let targets: Vec<_> = doc
        .objects
        .keys()
        .filter_map(|&id| locate(doc, id, &[b"Group"]).map(|at| (id, at)))
        .filter(|(_, (gid, keys))| {
            let group = doc.get_object(*gid).ok().and_then(object_dict);
            let group = keys.iter().try_fold(group, |d, k| Some(d?.get(k).ok()?.as_dict().ok()));
            group.flatten().and_then(|g| g.get(b"CS").ok()).is_some_and(|cs| is_rgb_space(doc, cs))
        })
        .map(|(_, at)| at)
        .collect();
    for at in targets {
        edit_at(update, at, |group| group.set("CS", Object::Name(b"DeviceCMYK".to_vec())))?;
    }
    Ok(())
}

/// Converts the annotation colours (`/C`, `/IC`) given as RGB (3 numbers) to CMYK (4): naively,
/// as they only tint the borders and interiors viewers draw (invisible with Typst's links).
fn annotation_colours_cmyk(update: &mut IncrementalDocument) -> Result<()> {
    let doc = update.get_prev_documents();
    let mut targets = Vec::new();
    for page in doc.get_pages().into_values() {
        let annots = doc.get_dictionary(page)?.get(b"Annots").and_then(|a| doc.dereference(a));
        let Ok((_, Object::Array(annots))) = annots else { continue };
        for annot in annots {
            let Ok(id) = annot.as_reference() else { continue };
            let Ok(dict) = doc.get_dictionary(id) else { continue };
            if [&b"C"[..], b"IC"]
                .iter()
                .any(|k| dict.get(k).and_then(Object::as_array).is_ok_and(|a| a.len() == 3))
            {
                targets.push(id);
            }
        }
    }
    for id in targets {
        edit_at(update, (id, Vec::new()), |annot| {
            for key in [&b"C"[..], b"IC"] {
                let rgb = annot.get(key).and_then(Object::as_array).ok().filter(|a| a.len() == 3);
                if let Some(cmyk) = rgb.and_then(|a| rgb_to_cmyk(a)) {
                    annot.set(key, Object::Array(cmyk.iter().map(|&v| Object::Real(v)).collect()));
                }
            }
        })?;
    }
    Ok(())
}

/// An RGB colour (three numbers 0–1) as CMYK, by the naive formula (no colour management).
fn rgb_to_cmyk(rgb: &[Object]) -> Option<[f32; 4]> {
    let v: Vec<f32> = rgb.iter().filter_map(number).map(|v| (v as f32).clamp(0.0, 1.0)).collect();
    let &[r, g, b] = v.as_slice() else { return None };
    let k = 1.0 - r.max(g).max(b);
    if k >= 1.0 {
        return Some([0.0, 0.0, 0.0, 1.0]);
    }
    let ink = |c: f32| ((1.0 - c - k) / (1.0 - k) * 1000.0).round() / 1000.0;
    Some([ink(r), ink(g), ink(b), (k * 1000.0).round() / 1000.0])
}

/// Removes RGB colour spaces from every resource dictionary's `/ColorSpace`: run after
/// [`check_no_rgb`] found that no content uses one, they are left over (Typst names its sRGB
/// space in resources that paint only CMYK), and a prepress check may still flag them.
fn drop_rgb_colour_spaces(update: &mut IncrementalDocument) -> Result<()> {
    let doc = update.get_prev_documents();
    let mut targets = BTreeMap::new();
    for &id in doc.objects.keys() {
        let Some(at) = locate(doc, id, &[b"Resources", b"ColorSpace"]) else { continue };
        let spaces = doc.get_object(at.0).ok().and_then(object_dict);
        let spaces = at.1.iter().try_fold(spaces, |d, k| Some(d?.get(k).ok()?.as_dict().ok())).flatten();
        let Some(spaces) = spaces else { continue };
        let rgb: Vec<Vec<u8>> = spaces
            .iter()
            .filter(|(_, space)| is_rgb_space(doc, space))
            .map(|(name, _)| name.clone())
            .collect();
        if !rgb.is_empty() {
            targets.insert(at, rgb);
        }
    }
    for (at, names) in targets {
        edit_at(update, at, |spaces| {
            for name in &names {
                spaces.remove(name);
            }
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

/// Removes every Link annotation from the pages, and its object reference (`OBJR`) from the
/// structure element that holds it: the link's text stays tagged as a `Link` element. Returns
/// how many were removed.
fn remove_links(update: &mut IncrementalDocument) -> Result<usize> {
    let doc = update.get_prev_documents();
    let is_link = |annot: &Object| {
        let dict = match annot {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            other => other.as_dict().ok(),
        };
        dict.and_then(|d| d.get(b"Subtype").ok()).and_then(|s| s.as_name().ok()) == Some(b"Link")
    };
    let mut removed: BTreeSet<ObjectId> = BTreeSet::new();
    let mut pages: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for page in doc.get_pages().into_values() {
        let annots = doc.get_dictionary(page)?.get(b"Annots").and_then(|a| doc.dereference(a));
        let Ok((_, Object::Array(annots))) = annots else { continue };
        let (links, kept): (Vec<&Object>, Vec<&Object>) = annots.iter().partition(|a| is_link(a));
        if !links.is_empty() {
            removed.extend(links.iter().filter_map(|a| a.as_reference().ok()));
            pages.push((page, kept.into_iter().cloned().collect()));
        }
    }
    let elements = struct_elements_citing(doc, &removed);
    for (page, kept) in &pages {
        edit_at(update, (*page, Vec::new()), |dict| {
            if kept.is_empty() {
                dict.remove(b"Annots");
            } else {
                dict.set("Annots", Object::Array(kept.clone()));
            }
        })?;
    }
    for id in elements {
        edit_at(update, (id, Vec::new()), |element| {
            if let Ok(kids) = element.get(b"K") {
                let kids = without_objrs(kids, &removed);
                element.set("K", kids);
            }
        })?;
    }
    Ok(removed.len())
}

/// The structure elements (objects reachable from the structure tree's root) with a kid that
/// is an object reference to one of `annots`.
fn struct_elements_citing(doc: &Document, annots: &BTreeSet<ObjectId>) -> Vec<ObjectId> {
    let root = doc.catalog().ok().and_then(|c| c.get(b"StructTreeRoot").ok()?.as_reference().ok());
    let mut stack: Vec<ObjectId> = root.into_iter().collect();
    let mut seen: BTreeSet<ObjectId> = BTreeSet::new();
    let mut citing = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(element) = doc.get_dictionary(id) else { continue };
        let Ok(kids) = element.get(b"K") else { continue };
        let kids = match kids {
            Object::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for kid in kids {
            match kid {
                Object::Reference(child) => stack.push(*child),
                Object::Dictionary(d) if objr_target(d).is_some_and(|t| annots.contains(&t)) => {
                    citing.push(id);
                }
                _ => {}
            }
        }
    }
    citing.sort();
    citing.dedup();
    citing
}

/// The object an object-reference kid (`<< /Type /OBJR /Obj … >>`) refers to.
fn objr_target(kid: &Dictionary) -> Option<ObjectId> {
    (kid.get(b"Type").ok()?.as_name().ok()? == b"OBJR").then(|| kid.get(b"Obj").ok()?.as_reference().ok())?
}

/// The kids `kids` of a structure element without the object references to `annots`.
fn without_objrs(kids: &Object, annots: &BTreeSet<ObjectId>) -> Object {
    let keep = |kid: &Object| !kid.as_dict().ok().and_then(objr_target).is_some_and(|t| annots.contains(&t));
    match kids {
        Object::Array(items) => Object::Array(items.iter().filter(|k| keep(k)).cloned().collect()),
        one if keep(one) => one.clone(),
        _ => Object::Array(Vec::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/// The document's title and dates, as the document information has them and XMP writes them.
struct Dates {
    title: String,
    created: String,
    modified: String,
}

/// Sets `/Trapped /False` and `/GTS_PDFXVersion (PDF/X-4)` in the document information
/// dictionary (and `/ModDate` to the creation date if missing); returns its title and dates.
fn info_pdfx(update: &mut IncrementalDocument) -> Result<Dates> {
    let prev = update.get_prev_documents();
    let info_id = prev.trailer.get(b"Info").and_then(Object::as_reference).context("the PDF has no /Info")?;
    let info = prev.get_dictionary(info_id)?;
    let text = |key: &[u8]| info.get(key).ok().and_then(|v| v.as_str().ok()).map(decode_text_string);
    let title = text(b"Title")
        .filter(|t| !t.trim().is_empty())
        .context("the PDF has no title (PDF/X-4 needs one)")?;
    let created_raw = info.get(b"CreationDate").and_then(Object::as_str).ok().map(<[u8]>::to_vec);
    let created_raw =
        created_raw.context("the PDF has no /CreationDate (PDF/X needs the document's dates)")?;
    let modified_raw = info.get(b"ModDate").and_then(Object::as_str).ok().map(<[u8]>::to_vec);
    let created = xmp_date(&created_raw)?;
    let modified = modified_raw.as_deref().map(xmp_date).transpose()?.unwrap_or_else(|| created.clone());
    update.opt_clone_object_to_new_document(info_id)?;
    let info = update.new_document.get_dictionary_mut(info_id)?;
    info.set("Trapped", Object::Name(b"False".to_vec()));
    info.set("GTS_PDFXVersion", Object::String(b"PDF/X-4".to_vec(), StringFormat::Literal));
    if modified_raw.is_none() {
        info.set("ModDate", Object::String(created_raw, StringFormat::Literal));
    }
    Ok(Dates { title, created, modified })
}

/// A PDF text string (PDFDocEncoding, taken as Latin-1, or UTF-16BE with its mark) as text.
fn decode_text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A PDF date, `D:YYYYMMDDHHmmSSOHH'mm'` (everything after the year optional), as an XMP
/// (ISO 8601) date, `YYYY-MM-DDTHH:mm:SS+HH:mm` or `…Z`.
fn xmp_date(pdf: &[u8]) -> Result<String> {
    let text = String::from_utf8_lossy(pdf);
    let s = text.strip_prefix("D:").unwrap_or(&text);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    ensure!(digits.len() >= 4, "{text:?} is not a PDF date");
    let part = |from: usize, default: &'static str| digits.get(from..from + 2).unwrap_or(default).to_string();
    let date = format!("{}-{}-{}", &digits[..4], part(4, "01"), part(6, "01"));
    let time = format!("{}:{}:{}", part(8, "00"), part(10, "00"), part(12, "00"));
    let zone: String = s[digits.len()..].chars().filter(|c| *c != '\'').collect();
    let zone = match zone.as_bytes() {
        [] | [b'Z', ..] => "Z".to_string(),
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() >= 2 && rest.iter().all(u8::is_ascii_digit) => {
            let rest = String::from_utf8_lossy(rest);
            let minutes = rest.get(2..4).unwrap_or("00");
            if rest[..2] == *"00" && minutes == "00" {
                "Z".to_string()
            } else {
                format!("{}{}:{minutes}", *sign as char, &rest[..2])
            }
        }
        _ => bail!("{text:?} has a time zone that is not a PDF date's"),
    };
    Ok(format!("{date}T{time}{zone}"))
}

/// The namespaces of the XMP properties PDF/X-4 needs, by the prefixes written here.
const NAMESPACES: [(&str, &str); 6] = [
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("pdfxid", "http://www.npes.org/pdfx/ns/id/"),
    ("pdf", "http://ns.adobe.com/pdf/1.3/"),
    ("xmp", "http://ns.adobe.com/xap/1.0/"),
    ("xmpMM", "http://ns.adobe.com/xap/1.0/mm/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
];

/// Adds the output intent to the catalog, writes the XMP metadata (see [`xmp_pdfx`]), sets
/// `/Version` and gives the file the new instance identifier (`/ID`'s second string).
fn catalog_pdfx(
    update: &mut IncrementalDocument,
    intent: &OutputIntent,
    dates: &Dates,
    instance: &[u8; 16],
) -> Result<()> {
    let prev = update.get_prev_documents();
    let root = prev.trailer.get(b"Root").and_then(Object::as_reference).context("the PDF has no catalog")?;
    let catalog = prev.get_dictionary(root)?;
    let metadata = catalog.get(b"Metadata").and_then(Object::as_reference).ok();
    let old_xmp = match metadata {
        Some(id) => Some(String::from_utf8(prev.get_object(id)?.as_stream()?.get_plain_content()?)?),
        None => None,
    };
    let first_id =
        prev.trailer.get(b"ID").and_then(Object::as_array).ok().and_then(|ids| ids.first()?.as_str().ok());
    let first_id = first_id.map(<[u8]>::to_vec).unwrap_or_else(|| instance.to_vec());
    let document_id = uuid(&hash16(&first_id));
    let fields = XmpFields { dates, document_id: &document_id, instance_id: &uuid(instance) };
    let xmp = xmp_pdfx(old_xmp.as_deref(), &fields)?;

    let existing = embedded_profile(prev, catalog, intent.icc);
    let new = &mut update.new_document;
    let profile = match existing {
        Some(id) => id,
        None => new.add_object(profile_stream(intent.icc)?),
    };
    let text = |s: &str| Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    let output_intent = Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFX".to_vec())),
        ("OutputConditionIdentifier", text(intent.identifier)),
        ("OutputCondition", text(intent.condition)),
        ("RegistryName", text(intent.registry)),
        ("Info", text(intent.info)),
        ("DestOutputProfile", Object::Reference(profile)),
    ]);
    let xmp_dict = Dictionary::from_iter([
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    let xmp_stream = Stream::new(xmp_dict, xmp.into_bytes()).with_compression(false);
    let metadata = match metadata {
        Some(id) => {
            new.set_object(id, xmp_stream);
            id
        }
        None => new.add_object(xmp_stream),
    };
    update.opt_clone_object_to_new_document(root)?;
    let catalog = update.new_document.get_dictionary_mut(root)?;
    catalog.set("OutputIntents", Object::Array(vec![Object::Dictionary(output_intent)]));
    catalog.set("Metadata", Object::Reference(metadata));
    catalog.set("Version", Object::Name(VERSION.as_bytes().to_vec()));
    let ids = vec![
        Object::String(first_id, StringFormat::Hexadecimal),
        Object::String(instance.to_vec(), StringFormat::Hexadecimal),
    ];
    update.new_document.trailer.set("ID", Object::Array(ids));
    Ok(())
}

/// The output profile `icc` as a compressed stream object. An ICC profile's tables hardly
/// compress (the shipped profile to 86 %, at the best level in 0.3 s), so it is deflated at
/// the fastest level, once per process, and kept by the profile's hash: a batch's print files
/// share it.
fn profile_stream(icc: &[u8]) -> Result<Stream> {
    static COMPRESSED: std::sync::Mutex<Vec<([u8; 32], Stream)>> = std::sync::Mutex::new(Vec::new());
    let digest: [u8; 32] = Sha256::digest(icc).into();
    let mut cache = COMPRESSED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, stream)) = cache.iter().find(|(d, _)| *d == digest) {
        return Ok(stream.clone());
    }
    let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut deflate, icc)?;
    let dict =
        Dictionary::from_iter([("N", Object::Integer(4)), ("Filter", Object::Name(b"FlateDecode".to_vec()))]);
    let stream = Stream::new(dict, deflate.finish()?);
    cache.push((digest, stream.clone()));
    Ok(stream)
}

/// The profile object of an output intent of `catalog` whose profile is `icc`, if there is one
/// (the file was made PDF/X before): used again rather than embedded a second time.
fn embedded_profile(doc: &Document, catalog: &Dictionary, icc: &[u8]) -> Option<ObjectId> {
    let intents = doc.dereference(catalog.get(b"OutputIntents").ok()?).ok()?.1.as_array().ok()?;
    intents.iter().find_map(|intent| {
        let intent = doc.dereference(intent).ok()?.1.as_dict().ok()?;
        let id = intent.get(b"DestOutputProfile").ok()?.as_reference().ok()?;
        let content = doc.get_object(id).ok()?.as_stream().ok()?.get_plain_content().ok()?;
        (content == icc).then_some(id)
    })
}

/// The first 16 bytes of the SHA-256 hash of `bytes`.
fn hash16(bytes: &[u8]) -> [u8; 16] {
    let digest = Sha256::digest(bytes);
    let mut out = [0; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// What [`xmp_pdfx`] writes besides the title and dates.
struct XmpFields<'a> {
    dates: &'a Dates,
    /// `xmpMM:DocumentID` if the packet has none.
    document_id: &'a str,
    /// `xmpMM:InstanceID`: this file's.
    instance_id: &'a str,
}

/// The XMP packet `old` (Typst's, or none) with what PDF/X-4 asks for: `pdfxid:GTS_PDFXVersion`
/// `PDF/X-4`, `pdf:Trapped` `False`, `pdf:PDFVersion` 1.6, `xmp:CreateDate`, `xmp:ModifyDate`
/// and `xmp:MetadataDate` from the document information's dates, `xmpMM:InstanceID`,
/// `xmpMM:VersionID` and `xmpMM:RenditionClass` `default`; `xmpMM:DocumentID` and `dc:title`
/// where missing. Those properties are removed from where they were and written in an
/// `rdf:Description` of their own; everything else in the packet stays as it was.
fn xmp_pdfx(old: Option<&str>, fields: &XmpFields) -> Result<String> {
    let empty = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"{}\"></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>",
        NAMESPACES[0].1
    );
    let mut xmp = old.map_or(empty, str::to_string);
    let dates = fields.dates;
    let mut props: Vec<(&str, &str, String)> = vec![
        ("pdfxid", "GTS_PDFXVersion", "PDF/X-4".into()),
        ("pdf", "Trapped", "False".into()),
        ("pdf", "PDFVersion", VERSION.into()),
        ("xmp", "CreateDate", dates.created.clone()),
        ("xmp", "ModifyDate", dates.modified.clone()),
        ("xmp", "MetadataDate", dates.modified.clone()),
        ("xmpMM", "InstanceID", fields.instance_id.into()),
        ("xmpMM", "VersionID", "1".into()),
        ("xmpMM", "RenditionClass", "default".into()),
    ];
    let document_id = xmp_property(&xmp, "xmpMM", "DocumentID");
    props.push(("xmpMM", "DocumentID", document_id.unwrap_or_else(|| fields.document_id.to_string())));
    for (prefix, name, _) in &props {
        xmp = remove_xmp_property(&xmp, prefix, name);
    }
    xmp = remove_empty_descriptions(&xmp);
    let mut description = String::new();
    for (prefix, name, value) in &props {
        let _ = write!(description, "<{prefix}:{name}>{}</{prefix}:{name}>", xml_escape(value));
    }
    if xmp_property(&xmp, "dc", "title").is_none() {
        let title = xml_escape(&dates.title);
        let _ = write!(
            description,
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>"
        );
    }
    let about = attribute(&xmp, "rdf:about").unwrap_or_default();
    let xmlns: String = NAMESPACES.iter().map(|(p, uri)| format!(" xmlns:{p}=\"{uri}\"")).collect();
    let description =
        format!("<rdf:Description rdf:about=\"{about}\"{xmlns}>{description}</rdf:Description>");
    let end = xmp.rfind("</rdf:RDF>").context("the XMP metadata has no </rdf:RDF>")?;
    xmp.insert_str(end, &description);
    Ok(xmp)
}

/// The prefixes `xmp` binds to the namespace of our prefix `prefix` ([`NAMESPACES`]), and
/// `prefix` itself if the namespace is not declared (so the property is looked for by name).
fn prefixes_of(xmp: &str, prefix: &str) -> Vec<String> {
    let uri = NAMESPACES.iter().find(|(p, _)| *p == prefix).map_or("", |(_, uri)| *uri);
    let mut found = Vec::new();
    let mut rest = xmp;
    while let Some(at) = rest.find("xmlns:") {
        rest = &rest[at + 6..];
        let Some(eq) = rest.find('=') else { break };
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().unwrap_or('"');
        let value = value.get(1..).and_then(|v| v.split(quote).next()).unwrap_or_default();
        if value == uri {
            found.push(rest[..eq].trim().to_string());
        }
    }
    if found.is_empty() {
        found.push(prefix.to_string());
    }
    found
}

/// Where the element `<qname …>…</qname>` (or `<qname …/>`) is in `xmp`: its byte range.
fn element_range(xmp: &str, qname: &str) -> Option<std::ops::Range<usize>> {
    let open = format!("<{qname}");
    let mut from = 0;
    while let Some(at) = xmp[from..].find(&open).map(|i| i + from) {
        let after = xmp[at + open.len()..].chars().next()?;
        if after.is_whitespace() || after == '>' || after == '/' {
            let gt = at + xmp[at..].find('>')?;
            if xmp[..gt].ends_with('/') {
                return Some(at..gt + 1);
            }
            let close = format!("</{qname}");
            let end = gt + xmp[gt..].find(&close)?;
            let end = end + xmp[end..].find('>')? + 1;
            return Some(at..end);
        }
        from = at + open.len();
    }
    None
}

/// The text of the simple property `prefix:name` of `xmp`, as an element or an attribute.
fn xmp_property(xmp: &str, prefix: &str, name: &str) -> Option<String> {
    prefixes_of(xmp, prefix).iter().find_map(|p| {
        let qname = format!("{p}:{name}");
        match element_range(xmp, &qname) {
            Some(range) => {
                let element = &xmp[range];
                let inner = element.find('>').map(|i| &element[i + 1..])?;
                Some(inner.rsplit_once("</").map_or("", |(text, _)| text).to_string())
            }
            None => attribute(xmp, &qname),
        }
    })
}

/// The value of the first attribute `qname="…"` in `xmp`.
fn attribute(xmp: &str, qname: &str) -> Option<String> {
    let at = attribute_range(xmp, qname)?;
    let text = &xmp[at];
    let value = text.split_once('=')?.1.trim();
    Some(value.get(1..value.len().saturating_sub(1))?.to_string())
}

/// Where the first attribute `qname="…"` (or with `'`) in a tag of `xmp` is, with the space
/// before it.
fn attribute_range(xmp: &str, qname: &str) -> Option<std::ops::Range<usize>> {
    let pattern = format!("{qname}=");
    let mut from = 0;
    while let Some(at) = xmp[from..].find(&pattern).map(|i| i + from) {
        let in_tag = xmp[..at].rfind('<') > xmp[..at].rfind('>');
        let spaced = xmp[..at].ends_with(char::is_whitespace);
        let rest = &xmp[at + pattern.len()..];
        if let (true, true, Some(quote @ ('"' | '\''))) = (in_tag, spaced, rest.chars().next()) {
            let end = at + pattern.len() + 1 + rest[1..].find(quote)? + 1;
            let start = xmp[..at].trim_end().len();
            return Some(start..end);
        }
        from = at + pattern.len();
    }
    None
}

/// `xmp` without the property `prefix:name`, in element or attribute form, wherever it is.
fn remove_xmp_property(xmp: &str, prefix: &str, name: &str) -> String {
    let mut xmp = xmp.to_string();
    for p in prefixes_of(&xmp, prefix) {
        let qname = format!("{p}:{name}");
        while let Some(range) = element_range(&xmp, &qname).or_else(|| attribute_range(&xmp, &qname)) {
            xmp.replace_range(range, "");
        }
    }
    xmp
}

/// `xmp` without the `rdf:Description` elements left empty (such as the one an earlier run
/// wrote, once its properties are removed): no content, no attributes but `rdf:about` and
/// namespace declarations.
fn remove_empty_descriptions(xmp: &str) -> String {
    let mut xmp = xmp.to_string();
    let end = "</rdf:Description>";
    let mut from = 0;
    while let Some(at) = xmp[from..].find("<rdf:Description").map(|i| i + from) {
        let Some(gt) = xmp[at..].find('>').map(|i| i + at) else { break };
        let names = attribute_names(&xmp[at + "<rdf:Description".len()..gt]);
        let bare = names.iter().all(|n| n == "rdf:about" || n.starts_with("xmlns"));
        if bare && xmp[gt + 1..].starts_with(end) {
            xmp.replace_range(at..gt + 1 + end.len(), "");
        } else {
            from = gt;
        }
    }
    xmp
}

/// The names of the attributes in `attributes` (`a="…" b='…'`).
fn attribute_names(attributes: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = attributes;
    while let Some(eq) = rest.find('=') {
        names.push(rest[..eq].trim().to_string());
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().unwrap_or('"');
        let Some(close) = value.get(1..).and_then(|v| v.find(quote)) else { break };
        rest = &value[close + 2..];
    }
    names
}

/// `text` with the characters XML gives a meaning escaped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ICC header: a CMYK output profile of ICC version 2.2 without tags.
    fn icc(class: &[u8; 4], space: &[u8; 4]) -> Vec<u8> {
        let mut icc = vec![0u8; 132];
        icc[..4].copy_from_slice(&132u32.to_be_bytes());
        icc[8] = 2;
        icc[9] = 0x20;
        icc[12..16].copy_from_slice(class);
        icc[16..20].copy_from_slice(space);
        icc[20..24].copy_from_slice(b"Lab ");
        icc[36..40].copy_from_slice(b"acsp");
        icc
    }

    fn intent(icc: &[u8]) -> OutputIntent<'_> {
        OutputIntent {
            icc,
            identifier: "FOGRA51",
            condition: "PSO Coated v3",
            registry: "http://www.color.org",
            info: "test profile",
        }
    }

    /// Typst's XMP for a PDF/UA-1 file (as xmp-writer writes it), shortened.
    const TYPST_XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"xmp-writer\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"  xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"  xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" ><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Milan &amp; more</rdf:li></rdf:Alt></dc:title><dc:language><rdf:Bag><rdf:li>en-GB</rdf:li></rdf:Bag></dc:language><xmp:ModifyDate>2023-01-01T00:00:00Z</xmp:ModifyDate><xmp:CreateDate>2023-01-01T00:00:00Z</xmp:CreateDate><pdfuaid:part>1</pdfuaid:part><xmpMM:InstanceID>XDk0</xmpMM:InstanceID><xmpMM:DocumentID>yS6p</xmpMM:DocumentID><xmpMM:RenditionClass>proof</xmpMM:RenditionClass><pdf:PDFVersion>1.7</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

    /// A one-page print PDF like Typst's: boxes, a structure tree, the XMP above, the content
    /// `content`; `extra` adds to the page dictionary and resources.
    fn sample(content: &str, extra: impl FnOnce(&mut Document, &mut Dictionary, &mut Dictionary)) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let stream = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
        let rect = |a: f32, b: f32| Object::Array([a, a, b, b].iter().map(|&v| Object::Real(v)).collect());
        let mut page = Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages_id)),
            ("MediaBox", rect(0.0, 200.0)),
            ("BleedBox", rect(5.0, 195.0)),
            ("TrimBox", rect(10.0, 190.0)),
            ("Contents", Object::Reference(stream)),
        ]);
        let mut resources = Dictionary::new();
        extra(&mut doc, &mut page, &mut resources);
        page.set("Resources", Object::Dictionary(resources));
        let page_id = doc.add_object(page);
        let pages = Dictionary::from_iter([
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(vec![Object::Reference(page_id)])),
            ("Count", Object::Integer(1)),
        ]);
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let xmp_dict = Dictionary::from_iter([
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]);
        let xmp = doc.add_object(Stream::new(xmp_dict, TYPST_XMP.as_bytes().to_vec()));
        let tree =
            doc.add_object(Dictionary::from_iter([("Type", Object::Name(b"StructTreeRoot".to_vec()))]));
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages_id)),
            ("Metadata", Object::Reference(xmp)),
            ("StructTreeRoot", Object::Reference(tree)),
            ("MarkInfo", Object::Dictionary(Dictionary::from_iter([("Marked", Object::Boolean(true))]))),
        ]));
        let text = |s: &[u8]| Object::String(s.to_vec(), StringFormat::Literal);
        let info = doc.add_object(Dictionary::from_iter([
            ("Title", text(b"Milan & more")),
            ("CreationDate", text(b"D:20230101000000Z")),
            ("ModDate", text(b"D:20230102030405+01'00'")),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        doc.trailer.set("Info", Object::Reference(info));
        doc.trailer.set("ID", Object::Array(vec![text(b"yS6p"), text(b"XDk0")]));
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("the sample saves");
        out
    }

    fn no_extra(_: &mut Document, _: &mut Dictionary, _: &mut Dictionary) {}

    fn catalog(doc: &Document) -> &Dictionary {
        let root = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("a catalog");
        doc.get_dictionary(root).expect("a catalog dictionary")
    }

    fn xmp_of(doc: &Document) -> String {
        let id = catalog(doc).get(b"Metadata").and_then(Object::as_reference).expect("metadata");
        let stream = doc.get_object(id).and_then(Object::as_stream).expect("a metadata stream");
        String::from_utf8(stream.get_plain_content().expect("plain")).expect("UTF-8")
    }

    #[test]
    fn makes_pdfx4_keeping_typst_metadata_and_structure() {
        let icc = icc(b"prtr", b"CMYK");
        let input = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
        let out = to_pdfx4(input.clone(), &intent(&icc)).expect("converts");
        assert!(out.starts_with(b"%PDF-1.6"));
        assert!(out.starts_with(&input[..7]) && out[8..input.len()] == input[8..], "an incremental update");
        let doc = Document::load_mem(&out).expect("reads back");
        let cat = catalog(&doc);
        assert_eq!(cat.get(b"Version").and_then(Object::as_name).ok(), Some(&b"1.6"[..]));
        assert!(cat.has(b"StructTreeRoot") && cat.has(b"MarkInfo"));
        let intents = cat.get(b"OutputIntents").and_then(Object::as_array).expect("output intents");
        assert_eq!(intents.len(), 1);
        let oi = intents[0].as_dict().expect("an intent");
        assert_eq!(oi.get(b"S").and_then(Object::as_name).ok(), Some(&b"GTS_PDFX"[..]));
        assert_eq!(oi.get(b"OutputConditionIdentifier").and_then(Object::as_str).ok(), Some(&b"FOGRA51"[..]));
        let profile = oi.get(b"DestOutputProfile").and_then(Object::as_reference).expect("a profile");
        let profile = doc.get_object(profile).and_then(Object::as_stream).expect("a profile stream");
        assert_eq!(profile.dict.get(b"N").and_then(Object::as_i64).ok(), Some(4));
        assert_eq!(profile.get_plain_content().expect("decodes"), icc);
        let info_id = doc.trailer.get(b"Info").and_then(Object::as_reference).expect("info");
        let info = doc.get_dictionary(info_id).expect("an info dictionary");
        assert_eq!(info.get(b"Trapped").and_then(Object::as_name).ok(), Some(&b"False"[..]));
        assert_eq!(info.get(b"GTS_PDFXVersion").and_then(Object::as_str).ok(), Some(&b"PDF/X-4"[..]));
        let xmp = xmp_of(&doc);
        for kept in [
            "<pdfuaid:part>1</pdfuaid:part>",
            "<rdf:li>en-GB</rdf:li>",
            "Milan &amp; more",
            "<xmpMM:DocumentID>yS6p<",
        ] {
            assert!(xmp.contains(kept), "{kept} kept in {xmp}");
        }
        for added in [
            "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
            "<pdf:Trapped>False</pdf:Trapped>",
            "<pdf:PDFVersion>1.6</pdf:PDFVersion>",
            "<xmp:CreateDate>2023-01-01T00:00:00Z</xmp:CreateDate>",
            "<xmp:ModifyDate>2023-01-02T03:04:05+01:00</xmp:ModifyDate>",
            "<xmp:MetadataDate>2023-01-02T03:04:05+01:00</xmp:MetadataDate>",
            "<xmpMM:VersionID>1</xmpMM:VersionID>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        ] {
            assert!(xmp.contains(added), "{added} in {xmp}");
        }
        for gone in ["proof", "<pdf:PDFVersion>1.7", "XDk0", "<xmp:ModifyDate>2023-01-01"] {
            assert!(!xmp.contains(gone), "{gone} replaced in {xmp}");
        }
        assert_eq!(xmp.matches("<dc:title>").count(), 1);
    }

    #[test]
    fn is_deterministic_and_idempotent() {
        let icc = icc(b"prtr", b"CMYK");
        let input = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
        let once = to_pdfx4(input.clone(), &intent(&icc)).expect("converts");
        assert_eq!(once, to_pdfx4(input, &intent(&icc)).expect("converts again"));
        let twice = to_pdfx4(once.clone(), &intent(&icc)).expect("converts its output");
        let doc = Document::load_mem(&twice).expect("reads back");
        let profiles = doc.objects.values().filter(|o| o.as_stream().is_ok_and(|s| s.dict.has(b"N"))).count();
        assert_eq!(profiles, 1, "the profile is embedded once");
        let xmp = xmp_of(&doc);
        assert_eq!(xmp.matches("<pdfxid:GTS_PDFXVersion>").count(), 1);
        assert_eq!(xmp.matches("<rdf:Description").count(), 2, "{xmp}");
    }

    #[test]
    fn removes_links_and_their_object_references() {
        let icc = icc(b"prtr", b"CMYK");
        let annot = |subtype: &[u8]| {
            Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(subtype.to_vec())),
                ("Rect", Object::Array(vec![20.into(), 20.into(), 40.into(), 40.into()])),
                ("F", Object::Integer(4)),
            ])
        };
        let mut ids = None;
        let input = sample("0 0 0 1 k 20 20 50 50 re f", |doc, page, _| {
            let (link, square) = (doc.add_object(annot(b"Link")), doc.add_object(annot(b"Square")));
            page.set("Annots", Object::Array(vec![Object::Reference(link), Object::Reference(square)]));
            ids = Some((link, square));
        });
        let (link, square) = ids.expect("the annotations");
        // A Link element holding its text and the annotation.
        let mut doc = Document::load_mem(&input).expect("reads");
        let objr = Dictionary::from_iter([
            ("Type", Object::Name(b"OBJR".to_vec())),
            ("Obj", Object::Reference(link)),
        ]);
        let element = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Link".to_vec())),
            ("K", Object::Array(vec![Object::Integer(0), Object::Dictionary(objr)])),
        ]));
        let catalog = doc.catalog().expect("a catalog");
        let tree = catalog.get(b"StructTreeRoot").and_then(Object::as_reference).expect("a tree");
        doc.get_dictionary_mut(tree).expect("the tree").set("K", Object::Reference(element));
        let mut input = Vec::new();
        doc.save_to(&mut input).expect("saves");

        let out = to_pdfx4(input, &intent(&icc)).expect("converts");
        let doc = Document::load_mem(&out).expect("reads back");
        let page = doc.get_dictionary(doc.get_pages()[&1]).expect("a page");
        let annots = page.get(b"Annots").and_then(Object::as_array).expect("the square stays");
        assert_eq!(annots, &vec![Object::Reference(square)]);
        let element = doc.get_dictionary(element).expect("the element stays");
        assert_eq!(element.get(b"K").and_then(Object::as_array).expect("kids"), &vec![Object::Integer(0)]);
    }

    #[test]
    fn rewrites_rgb_groups_annotation_colours_and_unused_rgb_spaces() {
        let icc = icc(b"prtr", b"CMYK");
        let input = sample("0 1 0 0 k 20 20 50 50 re f", |doc, page, resources| {
            let group =
                [("S", Object::Name(b"Transparency".to_vec())), ("CS", Object::Name(b"DeviceRGB".to_vec()))];
            page.set("Group", Object::Dictionary(Dictionary::from_iter(group)));
            let annot = Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(b"Square".to_vec())),
                ("Rect", Object::Array(vec![20.into(), 20.into(), 40.into(), 40.into()])),
                ("C", Object::Array(vec![Object::Real(1.0), Object::Real(0.0), Object::Real(0.0)])),
            ]);
            let annot = doc.add_object(annot);
            page.set("Annots", Object::Array(vec![Object::Reference(annot)]));
            let srgb =
                doc.add_object(Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), vec![0; 8]));
            let spaces =
                [("cs0", Object::Array(vec![Object::Name(b"ICCBased".to_vec()), Object::Reference(srgb)]))];
            resources.set("ColorSpace", Object::Dictionary(Dictionary::from_iter(spaces)));
        });
        let out = to_pdfx4(input, &intent(&icc)).expect("converts");
        let doc = Document::load_mem(&out).expect("reads back");
        let page = doc.get_dictionary(doc.get_pages()[&1]).expect("a page");
        let group = page.get(b"Group").and_then(Object::as_dict).expect("a group");
        assert_eq!(group.get(b"CS").and_then(Object::as_name).ok(), Some(&b"DeviceCMYK"[..]));
        let annot = page.get(b"Annots").and_then(Object::as_array).expect("annotations")[0].as_reference();
        let annot = doc.get_dictionary(annot.expect("a reference")).expect("an annotation");
        let c: Vec<f32> = annot
            .get(b"C")
            .and_then(Object::as_array)
            .expect("/C")
            .iter()
            .filter_map(|v| v.as_float().ok())
            .collect();
        assert_eq!(c, [0.0, 1.0, 1.0, 0.0]);
        let spaces = page.get(b"Resources").and_then(Object::as_dict).and_then(|r| r.get(b"ColorSpace"));
        assert!(
            spaces.and_then(Object::as_dict).is_ok_and(|s| !s.has(b"cs0")),
            "the unused sRGB space is gone"
        );
    }

    /// The shipped profile, which Little CMS reads.
    const PSO: &[u8] = include_bytes!("../../../icc/PSOcoated_v3_300_mth.icc");

    #[test]
    fn converts_rgb_vector_colours_through_the_profile_and_greys_to_black_ink() {
        let content =
            "q 0.5 0.5 0.5 rg 0 0 0 RG 20 20 50 50 re B Q /c0 cs 0.961 0.333 0.067 scn 1 0 0 RG 0 0 5 5 re B";
        let pdf = sample(content, |doc, _, resources| {
            let srgb =
                doc.add_object(Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), vec![0; 4]));
            let space = Object::Array(vec![Object::Name(b"ICCBased".to_vec()), Object::Reference(srgb)]);
            resources.set("ColorSpace", Object::Dictionary(Dictionary::from_iter([("c0", space)])));
        });
        let out = to_pdfx4(pdf, &intent(PSO)).expect("RGB vector colours convert");
        let doc = Document::load_mem(&out).unwrap();
        let page = *doc.get_pages().values().next().unwrap();
        let ops = lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap().operations;
        let shown: Vec<String> = ops
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o.operands
                        .iter()
                        .filter_map(number)
                        .map(|v| format!("{v:.2}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    o.operator
                )
            })
            .collect();
        assert!(shown.contains(&"0.00 0.00 0.00 0.50 k".to_string()), "a grey is black ink alone: {shown:?}");
        assert!(shown.contains(&"0.00 0.00 0.00 1.00 K".to_string()), "{shown:?}");
        assert!(!ops.iter().any(|o| matches!(o.operator.as_str(), "rg" | "RG" | "cs" | "scn")), "{shown:?}");
        // The site's orange through PSO Coated v3: no cyan to speak of, much magenta and yellow.
        let orange = ops.iter().filter(|o| o.operator == "k").nth(2).expect("the orange");
        let v: Vec<f64> = orange.operands.iter().filter_map(number).collect();
        assert!(v[0] < 0.1 && v[1] > 0.5 && v[2] > 0.7 && v[3] < 0.1, "{v:?}");
        assert!(ink_coverage(&out).unwrap()[0].rgb.is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_fix() {
        let cmyk = icc(b"prtr", b"CMYK");
        // RGB vector colours are converted through the profile: one Little CMS cannot read fails.
        let rgb_painted = sample("1 0 0 rg 20 20 50 50 re f", no_extra);
        let err = to_pdfx4(rgb_painted, &intent(&cmyk)).expect_err("RGB content, a header for a profile");
        assert!(format!("{err:#}").contains("output profile"), "{err:#}");
        let monitor = icc(b"mntr", b"RGB ");
        let ok = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
        assert!(to_pdfx4(ok.clone(), &intent(&monitor)).is_err());
        let mut v5 = cmyk.clone();
        v5[8] = 5;
        assert!(intent(&v5).check().is_err());
        assert!(intent(&cmyk[..100]).check().is_err());
        let loose = sample("", |_, page, _| {
            page.set("TrimBox", Object::Array(vec![0.into(), 0.into(), 199.into(), 199.into()]))
        });
        let err = to_pdfx4(loose, &intent(&cmyk)).expect_err("TrimBox beyond the BleedBox");
        assert!(format!("{err:#}").contains("nest"), "{err:#}");
        let font = sample("", |doc, _, resources| {
            let font = Dictionary::from_iter([
                ("Type", Object::Name(b"Font".to_vec())),
                ("Subtype", Object::Name(b"Type1".to_vec())),
                ("BaseFont", Object::Name(b"Helvetica".to_vec())),
            ]);
            let font = doc.add_object(font);
            resources
                .set("Font", Object::Dictionary(Dictionary::from_iter([("F1", Object::Reference(font))])));
        });
        let err = to_pdfx4(font, &intent(&cmyk)).expect_err("a font not embedded");
        assert!(format!("{err:#}").contains("Helvetica"), "{err:#}");
    }

    #[test]
    fn measures_inks_inside_and_outside_the_bleed() {
        // A rich black square inside; a registration hairline in the slug from the bleed's edge
        // outwards; 50 % gray text; a magenta rectangle clipped away to the slug.
        let content = "0.4 0.3 0.3 1 k 20 20 50 50 re f \
                       1 1 1 1 K 0.25 w 100 195 m 100 200 l S \
                       0.5 g BT /F1 8 Tf 30 100 Td (x) Tj ET \
                       q 0 0 5 5 re W n 0 1 0 0 k 0 0 200 200 re f Q";
        let pages = ink_coverage(&sample(content, no_extra)).expect("measures");
        let page = &pages[0];
        assert!((page.max_total - 200.0).abs() < 0.01, "{page:?}");
        assert!((page.max_total_media - 400.0).abs() < 0.01, "{page:?}");
        assert_eq!(page.cmyk, vec![[40.0, 30.0, 30.0, 100.0]]);
        assert_eq!(page.cmyk_outside, vec![[0.0, 100.0, 0.0, 0.0], [100.0, 100.0, 100.0, 100.0]]);
        assert_eq!(page.gray, vec![50.0]);
        assert!(page.rgb.is_empty() && page.unmeasured.is_empty(), "{page:?}");
    }

    #[test]
    fn measures_forms_shadings_and_flags_rgb() {
        let content = "q 1 0 0 1 10 10 cm /X1 Do Q /Sh1 sh 0 1 0 RG 20 20 m 30 30 l S";
        let pdf = sample(content, |doc, _, resources| {
            let form_dict = Dictionary::from_iter([
                ("Type", Object::Name(b"XObject".to_vec())),
                ("Subtype", Object::Name(b"Form".to_vec())),
                ("BBox", Object::Array(vec![0.into(), 0.into(), 100.into(), 100.into()])),
            ]);
            let form = doc.add_object(Stream::new(form_dict, b"0 0 1 0.5 k 10 10 20 20 re f".to_vec()));
            let function = Dictionary::from_iter([
                ("FunctionType", Object::Integer(2)),
                ("Domain", Object::Array(vec![0.into(), 1.into()])),
                ("C0", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
                ("C1", Object::Array(vec![Object::Real(0.5), 1.into(), 1.into(), Object::Real(0.5)])),
                ("N", Object::Integer(1)),
            ]);
            let shading = Dictionary::from_iter([
                ("ShadingType", Object::Integer(2)),
                ("ColorSpace", Object::Name(b"DeviceCMYK".to_vec())),
                ("Coords", Object::Array(vec![0.into(), 0.into(), 1.into(), 0.into()])),
                ("Function", Object::Dictionary(function)),
            ]);
            let shading = doc.add_object(shading);
            resources
                .set("XObject", Object::Dictionary(Dictionary::from_iter([("X1", Object::Reference(form))])));
            resources.set(
                "Shading",
                Object::Dictionary(Dictionary::from_iter([("Sh1", Object::Reference(shading))])),
            );
        });
        let page = &ink_coverage(&pdf).expect("measures")[0];
        assert!((page.max_total - 300.0).abs() < 0.01, "{page:?}");
        assert_eq!(page.cmyk, vec![[0.0; 4], [0.0, 0.0, 100.0, 50.0], [50.0, 100.0, 100.0, 50.0]]);
        assert_eq!(page.rgb.len(), 1, "{page:?}");
    }

    #[test]
    fn converts_pdf_dates() {
        assert_eq!(xmp_date(b"D:20230101000000Z").ok().as_deref(), Some("2023-01-01T00:00:00Z"));
        assert_eq!(xmp_date(b"D:20230102030405+01'00'").ok().as_deref(), Some("2023-01-02T03:04:05+01:00"));
        assert_eq!(xmp_date(b"D:2023").ok().as_deref(), Some("2023-01-01T00:00:00Z"));
        assert_eq!(xmp_date(b"D:20230102030405-05'30").ok().as_deref(), Some("2023-01-02T03:04:05-05:30"));
        assert!(xmp_date(b"yesterday").is_err());
    }

    #[test]
    fn edits_xmp_properties_in_either_form() {
        let xmp = "<x><rdf:RDF xmlns:rdf=\"r\"><rdf:Description rdf:about=\"\" xmlns:p=\"http://ns.adobe.com/pdf/1.3/\" p:Trapped=\"True\"><p:Producer>T</p:Producer></rdf:Description></rdf:RDF></x>";
        let out = remove_xmp_property(xmp, "pdf", "Trapped");
        assert!(!out.contains("Trapped") && out.contains("<p:Producer>T</p:Producer>"), "{out}");
        assert_eq!(xmp_property(xmp, "pdf", "Producer").as_deref(), Some("T"));
        let emptied = remove_xmp_property(&out, "pdf", "Producer");
        assert!(!remove_empty_descriptions(&emptied).contains("rdf:Description"));
    }
}
