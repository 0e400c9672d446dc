//! Editing a PDF in the one incremental update: finding a dictionary (direct or behind a
//! reference) and changing it in the update's copy of its object.

use anyhow::{Context, Result};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId};

/// Follows the keys `path` from object `owner` through direct dictionaries and references;
/// returns the object holding the last dictionary reached and the keys from it to there, or
/// `None` where a key is missing or not a dictionary.
pub(crate) fn locate(doc: &Document, owner: ObjectId, path: &[&[u8]]) -> Option<(ObjectId, Vec<Vec<u8>>)> {
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
pub(crate) fn object_dict(object: &Object) -> Option<&Dictionary> {
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
pub(crate) fn edit_at(
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
