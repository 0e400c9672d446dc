//! RGB colours of vector content, painted by an SVG picture (Typst draws an SVG's fills and
//! strokes in sRGB, its greys in an ICC grey), converted to the printing condition's CMYK in the content streams
//! themselves: a grey (red, green and blue equal) becomes black ink alone, so a chart's black
//! lines and text print in one ink; every other colour goes through Little CMS from sRGB to
//! the output profile (relative colorimetric, black point compensation: a chart's flat colours
//! keep their hue). What this cannot convert (an RGB shading or pattern, an RGB image drawn by
//! an SVG) stays, and the PDF/X check refuses it.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::colour::is_rgb_space;
use super::ink::number;

/// Converts RGB colours to CMYK through a profile.
struct ToCmyk {
    transform: lcms2::Transform<[u16; 3], [u16; 4]>,
}

impl ToCmyk {
    fn new(icc: &[u8]) -> Result<Self> {
        let target = lcms2::Profile::new_icc(icc)
            .map_err(|e| anyhow::anyhow!("cannot read the output profile: {e}"))?;
        let transform = lcms2::Transform::new_flags(
            &lcms2::Profile::new_srgb(),
            lcms2::PixelFormat::RGB_16,
            &target,
            lcms2::PixelFormat::CMYK_16,
            lcms2::Intent::RelativeColorimetric,
            lcms2::Flags::BLACKPOINT_COMPENSATION,
        )
        .map_err(|e| anyhow::anyhow!("cannot convert to the output profile: {e}"))?;
        Ok(Self { transform })
    }

    /// The CMYK operands (0–1, three decimals) of the RGB colour `rgb` (0–1).
    fn cmyk(&self, rgb: [f64; 3]) -> [f64; 4] {
        let round = |v: f64| (v.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        if rgb[0] == rgb[1] && rgb[1] == rgb[2] {
            return [0.0, 0.0, 0.0, round(1.0 - rgb[0])];
        }
        let to16 = |v: f64| (v.clamp(0.0, 1.0) * 65535.0).round() as u16;
        let mut out = [[0u16; 4]];
        self.transform.transform_pixels(&[[to16(rgb[0]), to16(rgb[1]), to16(rgb[2])]], &mut out);
        out[0].map(|v| round(f64::from(v) / 65535.0))
    }
}

/// Every content stream of `doc` (pages' and Form XObjects') that paints in RGB, rewritten to
/// paint the same colours in CMYK, by object. Empty when nothing paints in RGB (the profile
/// is not even read then).
pub(super) fn rgb_content_as_cmyk(doc: &Document, icc: &[u8]) -> Result<BTreeMap<ObjectId, Stream>> {
    let mut out = BTreeMap::new();
    let mut converter = None;
    for (id, resources) in content_streams(doc) {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else { continue };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let Ok(ops) = Content::decode(&content) else { continue };
        let rgb_names = rgb_space_names(doc, resources.as_ref());
        let paints_rgb = ops.operations.iter().any(|op| {
            matches!(op.operator.as_str(), "rg" | "RG")
                || (matches!(op.operator.as_str(), "cs" | "CS")
                    && op
                        .operands
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .is_some_and(|n| rgb_names.iter().any(|r| r.0 == n)))
        });
        if !paints_rgb {
            continue;
        }
        let converter = match &converter {
            Some(c) => c,
            None => converter.insert(ToCmyk::new(icc)?),
        };
        let rewritten = rewrite(ops.operations, &rgb_names, converter);
        let bytes = Content { operations: rewritten }.encode().context("cannot write a content stream")?;
        let mut dict = stream.dict.clone();
        dict.remove(b"Filter");
        dict.remove(b"DecodeParms");
        let mut new = Stream::new(dict, bytes);
        // A stream that does not compress is kept as it is.
        let _ = new.compress();
        out.insert(id, new);
    }
    Ok(out)
}

/// The content streams of `doc` with the resources they are read with: each page's (its
/// inherited resources) and each Form XObject's (its own).
fn content_streams(doc: &Document) -> Vec<(ObjectId, Option<Dictionary>)> {
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let resources = super::checks::inherited(doc, page, b"Resources")
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok().cloned());
        let Ok(page_dict) = doc.get_dictionary(page) else { continue };
        let contents = match page_dict.get(b"Contents") {
            Ok(Object::Reference(id)) => vec![*id],
            Ok(Object::Array(items)) => items.iter().filter_map(|i| i.as_reference().ok()).collect(),
            _ => Vec::new(),
        };
        out.extend(contents.into_iter().map(|id| (id, resources.clone())));
    }
    for (&id, object) in &doc.objects {
        let Ok(stream) = object.as_stream() else { continue };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form") {
            let resources = stream
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|r| doc.dereference(r).ok())
                .and_then(|(_, r)| r.as_dict().ok().cloned());
            out.push((id, resources));
        }
    }
    out
}

/// The colour spaces of `resources`' `/ColorSpace` that are rewritten: RGB ones, and
/// 1-component ICC ones (Typst paints an SVG's greys in an ICC grey), by name.
fn rgb_space_names(doc: &Document, resources: Option<&Dictionary>) -> Vec<(Vec<u8>, Kind)> {
    let spaces = resources
        .and_then(|r| r.get(b"ColorSpace").ok())
        .and_then(|s| doc.dereference(s).ok())
        .and_then(|(_, s)| s.as_dict().ok());
    let kind = |space: &Object| {
        if is_rgb_space(doc, space) {
            return Some(Kind::Rgb);
        }
        let (_, space) = doc.dereference(space).ok()?;
        let items = space.as_array().ok()?;
        let n = items
            .get(1)
            .and_then(|s| doc.dereference(s).ok())?
            .1
            .as_stream()
            .ok()?
            .dict
            .get(b"N")
            .ok()?
            .as_i64()
            .ok();
        (items.first()?.as_name().ok()? == b"ICCBased" && n == Some(1)).then_some(Kind::Grey)
    };
    spaces
        .map(|s| s.iter().filter_map(|(n, space)| Some((n.clone(), kind(space)?))).collect())
        .unwrap_or_default()
}

/// What a rewritten colour space holds.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    /// Not rewritten.
    #[default]
    Other,
    Rgb,
    Grey,
}

/// The fill and stroke colour spaces: what each is, if it is one of those rewritten.
#[derive(Clone, Copy, Default)]
struct Spaces {
    fill: Kind,
    stroke: Kind,
}

/// `ops` with every RGB colour as CMYK: `r g b rg` → `c m y k k`; selecting an RGB space
/// (`/c0 cs`) → black in DeviceCMYK (the initial colour of a newly selected space), and the
/// colours set in it (`r g b scn`) → `c m y k k`.
fn rewrite(ops: Vec<Operation>, rgb_names: &[(Vec<u8>, Kind)], converter: &ToCmyk) -> Vec<Operation> {
    let mut stack = vec![Spaces::default()];
    let mut out = Vec::with_capacity(ops.len());
    let kind_of = |op: &Operation| {
        let name = op.operands.first().and_then(|n| n.as_name().ok());
        rgb_names.iter().find(|r| Some(r.0.as_slice()) == name).map_or(Kind::Other, |r| r.1)
    };
    let rgb = |op: &Operation| -> Option<[f64; 3]> {
        let v: Vec<f64> = op.operands.iter().filter_map(number).collect();
        (v.len() == 3 && op.operands.len() == 3).then(|| [v[0], v[1], v[2]])
    };
    let grey = |op: &Operation| -> Option<[f64; 3]> {
        let v: Vec<f64> = op.operands.iter().filter_map(number).collect();
        (v.len() == 1 && op.operands.len() == 1).then(|| [v[0]; 3])
    };
    let cmyk_op =
        |name: &str, c: [f64; 4]| Operation::new(name, c.iter().map(|v| Object::Real(*v as f32)).collect());
    for op in ops {
        let state = stack.last_mut().expect("the stack keeps its first state");
        match op.operator.as_str() {
            "q" => {
                let top = *state;
                stack.push(top);
                out.push(op);
            }
            "Q" => {
                if stack.len() > 1 {
                    stack.pop();
                }
                out.push(op);
            }
            "g" | "k" => {
                state.fill = Kind::Other;
                out.push(op);
            }
            "G" | "K" => {
                state.stroke = Kind::Other;
                out.push(op);
            }
            "rg" | "RG" if rgb(&op).is_some() => {
                if op.operator == "rg" {
                    state.fill = Kind::Other
                } else {
                    state.stroke = Kind::Other
                }
                let c = converter.cmyk(rgb(&op).unwrap_or_default());
                out.push(cmyk_op(if op.operator == "rg" { "k" } else { "K" }, c));
            }
            "cs" | "CS" => {
                let fill = op.operator == "cs";
                let kind = kind_of(&op);
                if fill {
                    state.fill = kind
                } else {
                    state.stroke = kind
                }
                if kind != Kind::Other {
                    out.push(cmyk_op(if fill { "k" } else { "K" }, [0.0, 0.0, 0.0, 1.0]));
                } else {
                    out.push(op);
                }
            }
            "sc" | "scn" | "SC" | "SCN" => {
                let fill = op.operator.starts_with('s');
                let kind = if fill { state.fill } else { state.stroke };
                let colour = match kind {
                    Kind::Rgb => rgb(&op),
                    Kind::Grey => grey(&op),
                    Kind::Other => None,
                };
                match colour {
                    Some(v) => out.push(cmyk_op(if fill { "k" } else { "K" }, converter.cmyk(v))),
                    None => out.push(op),
                }
            }
            _ => out.push(op),
        }
    }
    out
}
