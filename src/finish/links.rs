//! One link annotation per line of a link.
//!
//! Typst writes a link that wraps onto several lines as one annotation whose `/QuadPoints` hold
//! a quadrilateral per line, under PDF/UA (the web and archive files); its `/Rect` is the box
//! around all of them. PDFium (Chrome's PDF viewer) ignores QuadPoints: a click anywhere in the
//! rectangle, which covers the lines between and the text beside, follows the link, so clicks
//! on a neighbouring link land on this one. [`one_per_line`] splits each such annotation into
//! one per line, each with its line's rectangle, all children of the same `Link` element of the
//! structure tree (PDF/UA allows a link element several annotations), as an incremental update
//! that leaves Typst's bytes as they are.
//!
//! A print file has no links ([`remove`]): a link cannot be followed on paper, and a print
//! shop's preflight refuses annotations inside the page and actions.

use std::collections::BTreeSet;

use anyhow::Result;
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId};

use crate::finish::edit::edit_at;

/// Splits, in `update`, every link annotation of several lines into one per line.
pub(super) fn one_per_line(update: &mut IncrementalDocument) -> anyhow::Result<()> {
    let previous = update.get_prev_documents();
    let splits = multi_line_links(previous);
    if splits.is_empty() {
        return Ok(());
    }
    let tree = StructTree::of(previous)?;
    let mut next_key = tree.next_key;
    let mut new_nums: Vec<(i64, ObjectId)> = Vec::new();
    for (page, annots) in splits {
        let mut page_annots: Vec<Object> = annot_refs(update.get_prev_documents(), page);
        for (annot, quads) in annots {
            update.opt_clone_object_to_new_document(annot)?;
            let original = update.new_document.get_object(annot)?.as_dict()?.clone();
            let parent = original.get(b"StructParent").ok().and_then(|k| k.as_i64().ok());
            let element = parent.and_then(|k| tree.element_of(k));
            let mut added = Vec::new();
            for (i, quad) in quads.iter().enumerate() {
                let mut dict = original.clone();
                dict.remove(b"QuadPoints");
                dict.set("Rect", quad.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>());
                if i == 0 {
                    update.new_document.set_object(annot, dict);
                    continue;
                }
                if element.is_some() {
                    dict.set("StructParent", Object::Integer(next_key));
                }
                let id = update.new_document.add_object(dict);
                if let Some(element) = element {
                    new_nums.push((next_key, element));
                    next_key += 1;
                }
                added.push(id);
            }
            if let Some(element) = element {
                add_kids(update, element, page, &added)?;
            }
            let at =
                page_annots.iter().position(|a| a.as_reference().ok() == Some(annot)).map_or(0, |p| p + 1);
            for (k, id) in added.into_iter().enumerate() {
                page_annots.insert(at + k, Object::Reference(id));
            }
        }
        update.opt_clone_object_to_new_document(page)?;
        update.new_document.get_object_mut(page)?.as_dict_mut()?.set("Annots", page_annots);
    }
    if !new_nums.is_empty() {
        tree.extend(update, &new_nums, next_key)?;
    }
    Ok(())
}

/// Whether `pdf` may have a link annotation of several lines: reading a PDF costs more than
/// the rest (6 ms of 7 for Milan's web file), so a file without `/QuadPoints` is not read.
pub(super) fn may_have_multi_line_links(pdf: &[u8]) -> bool {
    pdf.windows(11).any(|w| w == b"/QuadPoints")
}

/// Whether `doc` has a link annotation of several lines.
pub(super) fn has_multi_line_links(doc: &lopdf::Document) -> bool {
    !multi_line_links(doc).is_empty()
}

/// A link annotation's lines: each quadrilateral's bounding rectangle `[x0 y0 x1 y1]`.
type Lines = Vec<[f32; 4]>;

/// Per page, the link annotations with more than one line.
fn multi_line_links(doc: &lopdf::Document) -> Vec<(ObjectId, Vec<(ObjectId, Lines)>)> {
    let mut out = Vec::new();
    for page in doc.get_pages().into_values() {
        let mut annots = Vec::new();
        for a in annot_refs(doc, page) {
            let Ok(id) = a.as_reference() else { continue };
            let Ok(dict) = doc.get_dictionary(id) else { continue };
            if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            let Ok(quads) =
                dict.get(b"QuadPoints").and_then(|q| doc.dereference(q)).and_then(|(_, q)| q.as_array())
            else {
                continue;
            };
            let values: Vec<f32> = quads.iter().filter_map(|v| v.as_float().ok()).collect();
            if values.len() < 16 || !values.len().is_multiple_of(8) {
                continue;
            }
            annots.push((id, values.chunks(8).map(bounds).collect()));
        }
        if !annots.is_empty() {
            out.push((page, annots));
        }
    }
    out
}

/// The bounding rectangle of a quadrilateral `x1 y1 … x4 y4`.
fn bounds(q: &[f32]) -> [f32; 4] {
    let xs = [q[0], q[2], q[4], q[6]];
    let ys = [q[1], q[3], q[5], q[7]];
    let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
    let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
    [min(xs), min(ys), max(xs), max(ys)]
}

/// The references in a page's `/Annots`.
fn annot_refs(doc: &lopdf::Document, page: ObjectId) -> Vec<Object> {
    let Ok(dict) = doc.get_dictionary(page) else { return Vec::new() };
    let Ok(annots) = dict.get(b"Annots").and_then(|a| doc.dereference(a)).and_then(|(_, a)| a.as_array())
    else {
        return Vec::new();
    };
    annots.clone()
}

/// Adds object references to the annotations `added` (on `page`) to a structure element's kids.
fn add_kids(
    update: &mut IncrementalDocument,
    element: ObjectId,
    page: ObjectId,
    added: &[ObjectId],
) -> anyhow::Result<()> {
    update.opt_clone_object_to_new_document(element)?;
    let dict = update.new_document.get_object_mut(element)?.as_dict_mut()?;
    let mut kids = match dict.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    for id in added {
        let objr = Dictionary::from_iter([
            ("Type", Object::Name(b"OBJR".to_vec())),
            ("Obj", Object::Reference(*id)),
            ("Pg", Object::Reference(page)),
        ]);
        kids.push(Object::Dictionary(objr));
    }
    dict.set("K", kids);
    Ok(())
}

/// The structure tree's parent tree: which structure element each annotation belongs to.
struct StructTree {
    root: Option<ObjectId>,
    /// The flat `/Nums` of the parent tree: key, value.
    nums: Vec<(i64, Object)>,
    next_key: i64,
}

impl StructTree {
    fn of(doc: &lopdf::Document) -> anyhow::Result<Self> {
        let root = doc.catalog()?.get(b"StructTreeRoot").and_then(Object::as_reference).ok();
        let mut nums = Vec::new();
        let mut next_key = 0;
        if let Some(root) = root {
            let dict = doc.get_dictionary(root)?;
            let parent = dict.get(b"ParentTree").and_then(|p| doc.dereference(p)).map(|(_, p)| p);
            if let Ok(parent) = parent.and_then(Object::as_dict) {
                if parent.has(b"Kids") {
                    anyhow::bail!("the structure's parent tree has kids; cityreport reads a flat one only");
                }
                let flat =
                    parent.get(b"Nums").and_then(|n| doc.dereference(n)).and_then(|(_, n)| n.as_array());
                for pair in flat.map(|a| a.chunks(2).collect::<Vec<_>>()).unwrap_or_default() {
                    if let [k, v] = pair
                        && let Ok(k) = k.as_i64()
                    {
                        nums.push((k, v.clone()));
                    }
                }
            }
            let max = nums.iter().map(|(k, _)| *k + 1).max().unwrap_or(0);
            let declared = dict.get(b"ParentTreeNextKey").and_then(Object::as_i64).unwrap_or(0);
            next_key = max.max(declared);
        }
        Ok(Self { root, nums, next_key })
    }

    /// The structure element of the annotation whose `/StructParent` is `key`.
    fn element_of(&self, key: i64) -> Option<ObjectId> {
        self.nums.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.as_reference().ok())
    }

    /// Writes the parent tree with the `added` keys and the next free key.
    fn extend(
        &self,
        update: &mut IncrementalDocument,
        added: &[(i64, ObjectId)],
        next_key: i64,
    ) -> anyhow::Result<()> {
        let Some(root) = self.root else { return Ok(()) };
        let mut nums: Vec<Object> = Vec::with_capacity(2 * (self.nums.len() + added.len()));
        for (k, v) in &self.nums {
            nums.push(Object::Integer(*k));
            nums.push(v.clone());
        }
        for (k, v) in added {
            nums.push(Object::Integer(*k));
            nums.push(Object::Reference(*v));
        }
        update.opt_clone_object_to_new_document(root)?;
        let dict = update.new_document.get_object_mut(root)?.as_dict_mut()?;
        dict.set("ParentTree", Object::Dictionary(Dictionary::from_iter([("Nums", Object::Array(nums))])));
        dict.set("ParentTreeNextKey", Object::Integer(next_key));
        Ok(())
    }
}

/// Removes every Link annotation from the pages, and its object reference (`OBJR`) from the
/// structure element that holds it: the link's text stays tagged as a `Link` element. Returns
/// how many were removed.
pub(super) fn remove(update: &mut IncrementalDocument) -> Result<usize> {
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
