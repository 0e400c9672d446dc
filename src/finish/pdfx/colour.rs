//! Colours a print file may not carry, rewritten: RGB transparency groups and annotation
//! colours made CMYK, RGB colour spaces no content uses dropped.

use std::collections::BTreeMap;

use anyhow::Result;
use lopdf::{Document, IncrementalDocument, Object};

use super::ink::number;
use crate::finish::edit::{edit_at, locate, object_dict};

/// Whether the colour space `space` (as written in a resource or group) is an RGB one:
/// DeviceRGB, CalRGB, a 3-component ICCBased space, or Indexed on one of them.
pub(super) fn is_rgb_space(doc: &Document, space: &Object) -> bool {
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

/// Gives every transparency group (of pages and Form XObjects) whose blending colour space is
/// RGB the blending space DeviceCMYK: prepress checks reject an RGB group in a CMYK file (a
/// DeviceRGB one breaks PDF/X-4, which allows device RGB only under an RGB output intent).
pub(super) fn transparency_groups_cmyk(update: &mut IncrementalDocument) -> Result<()> {
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
pub(super) fn annotation_colours_cmyk(update: &mut IncrementalDocument) -> Result<()> {
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
pub(super) fn drop_rgb_colour_spaces(update: &mut IncrementalDocument) -> Result<()> {
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
