//! The output intent: the printing condition a PDF/X file is made for, checked and written
//! into the catalog with its profile and the XMP metadata.

use std::fmt::Write as _;

use anyhow::{Context, Result, ensure};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use super::VERSION;
use super::xmp::{Dates, XmpFields, xmp_pdfx};

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

/// Adds the output intent to the catalog, writes the XMP metadata (see [`xmp_pdfx`]), sets
/// `/Version` and gives the file the new instance identifier (`/ID`'s second string).
pub(super) fn catalog_pdfx(
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

/// An identifier for the file made from `pdf` for `intent`: a hash of both.
pub fn instance_id(pdf: &[u8], intent: &OutputIntent) -> [u8; 16] {
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
