//! Where things sit on a produced PDF's pages: each run of text with its position, size and
//! font; the forms (placed pages of a booklet) with the matrix they are drawn with; each link
//! annotation with its rectangle and, for an internal link, the page it leads to. Positions
//! are PDF points from the MediaBox's lower-left corner.

use std::collections::HashMap;

use lopdf::{Document, Object, ObjectId};

use super::Pdf;

/// A run of text shown by one `Tj`/`TJ`.
#[derive(Debug, Clone)]
pub struct Run {
    /// Where its first glyph's baseline starts.
    pub x: f32,
    pub y: f32,
    /// Its font size on the page (the `Tf` size scaled by the matrices).
    pub size: f32,
    /// The font's `BaseFont` (`ABCDEF+NotoSerif-Regular`).
    pub font: String,
    pub text: String,
    /// Inside an `/Artifact` marked-content sequence (running header and footer, decoration).
    pub artifact: bool,
}

/// A form XObject drawn on a page: its resource name, the matrix it is drawn with (the CTM times
/// its own `/Matrix`) and its `/BBox`.
#[derive(Debug, Clone)]
pub struct Placed {
    pub matrix: [f32; 6],
    pub bbox: [f32; 4],
}

/// An image XObject drawn on a page: its pixels, colour space and filter, and the rectangle
/// its unit square is drawn into (PDF points: left, bottom, width, height).
#[derive(Debug, Clone)]
pub struct DrawnImage {
    pub pixels: (i64, i64),
    /// `DeviceCMYK`, `DeviceGray`, `ICCBased 3`, `ICCBased 4`, …
    pub colour_space: String,
    pub filter: String,
    pub rect: [f32; 4],
}

impl DrawnImage {
    /// Its resolution on the page, across and down, in pixels per inch.
    pub fn ppi(&self) -> (f32, f32) {
        (self.pixels.0 as f32 / (self.rect[2] / 72.0), self.pixels.1 as f32 / (self.rect[3] / 72.0))
    }
}

/// A link annotation.
#[derive(Debug, Clone)]
pub struct Link {
    pub rect: [f32; 4],
    /// The page (0-based) an internal link leads to.
    pub dest_page: Option<usize>,
    /// The URI of an external link.
    pub uri: Option<String>,
    pub contents: Option<String>,
    pub quad_points: usize,
}

impl Pdf {
    /// The text runs of page `index` (0-based), in drawing order.
    pub fn runs(&self, index: usize) -> Vec<Run> {
        self.walk_page(index).runs
    }

    /// The forms page `index` draws directly.
    pub fn placed(&self, index: usize) -> Vec<Placed> {
        self.walk_page(index).placed
    }

    /// The images page `index` draws (inside its forms too).
    pub fn images(&self, index: usize) -> Vec<DrawnImage> {
        self.walk_page(index).images
    }

    /// The lines of text of page `index` of `size` points (± 0.05): runs on one baseline joined
    /// in their order, top to bottom.
    pub fn lines_of_size(&self, index: usize, size: f32) -> Vec<String> {
        let mut lines: Vec<(f32, Vec<Run>)> = Vec::new();
        for run in self.runs(index).into_iter().filter(|r| (r.size - size).abs() < 0.05 && !r.artifact) {
            match lines.iter_mut().find(|(y, _)| (*y - run.y).abs() < 1.0) {
                Some((_, runs)) => runs.push(run),
                None => lines.push((run.y, vec![run])),
            }
        }
        lines.sort_by(|a, b| b.0.total_cmp(&a.0));
        lines
            .into_iter()
            .map(|(_, mut runs)| {
                runs.sort_by(|a, b| a.x.total_cmp(&b.x));
                runs.iter().map(|r| r.text.as_str()).collect::<String>()
            })
            .collect()
    }

    /// The link annotations of page `index`.
    pub fn links(&self, index: usize) -> Vec<Link> {
        let doc = &self.doc;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let Some(&id) = pages.get(index) else { return Vec::new() };
        let Ok(page) = doc.get_dictionary(id) else { return Vec::new() };
        let Ok((_, annots)) = page.get(b"Annots").and_then(|a| doc.dereference(a)) else { return Vec::new() };
        let mut out = Vec::new();
        for a in annots.as_array().map(|a| a.as_slice()).unwrap_or_default() {
            let Ok((_, a)) = doc.dereference(a) else { continue };
            let Ok(a) = a.as_dict() else { continue };
            if a.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            let floats = |o: &Object| -> Vec<f32> {
                doc.dereference(o)
                    .ok()
                    .and_then(|(_, o)| o.as_array().ok().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|v| v.as_float().ok())
                    .collect()
            };
            let r = a.get(b"Rect").map(floats).unwrap_or_default();
            let rect = [r[0].min(r[2]), r[1].min(r[3]), r[0].max(r[2]), r[1].max(r[3])];
            let dest_page = a
                .get(b"Dest")
                .ok()
                .and_then(|d| doc.dereference(d).ok())
                .and_then(|(_, d)| d.as_array().ok()?.first()?.as_reference().ok())
                .and_then(|p| pages.iter().position(|q| *q == p));
            let uri = a
                .get(b"A")
                .and_then(|x| doc.dereference(x))
                .ok()
                .and_then(|(_, x)| x.as_dict().ok()?.get(b"URI").ok().cloned())
                .and_then(|u| super::string(doc, &u));
            let contents = a.get(b"Contents").ok().and_then(|c| super::string(doc, c));
            let quad_points = a.get(b"QuadPoints").map(floats).map_or(0, |q| q.len() / 8);
            out.push(Link { rect, dest_page, uri, contents, quad_points });
        }
        out
    }

    fn walk_page(&self, index: usize) -> Walk<'_> {
        let doc = &self.doc;
        let id = *doc.get_pages().values().nth(index).expect("page exists");
        let content = doc.get_page_content(id).unwrap_or_default();
        let resources = doc.get_dictionary(id).ok().and_then(|p| p.get(b"Resources").ok()).cloned();
        let mut walk = Walk { doc, runs: Vec::new(), placed: Vec::new(), images: Vec::new() };
        walk.content(&content, resources.as_ref(), IDENTITY, 0, false, true);
        walk
    }
}

const IDENTITY: [f32; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b` (PDF's row-vector convention: a × b).
fn then(a: [f32; 6], b: [f32; 6]) -> [f32; 6] {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn matrix(ops: &[Object]) -> [f32; 6] {
    let mut m = IDENTITY;
    for (slot, v) in m.iter_mut().zip(ops) {
        *slot = v.as_float().unwrap_or(0.0);
    }
    m
}

struct Walk<'a> {
    doc: &'a Document,
    runs: Vec<Run>,
    placed: Vec<Placed>,
    images: Vec<DrawnImage>,
}

/// The colour space of an image's dictionary, by name.
fn colour_space_name(doc: &Document, dict: &lopdf::Dictionary) -> String {
    let Ok(space) = dict.get(b"ColorSpace") else { return String::new() };
    let Ok((_, space)) = doc.dereference(space) else { return String::new() };
    match space {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        Object::Array(items) => {
            let kind =
                items.first().and_then(|n| n.as_name().ok()).map(|n| String::from_utf8_lossy(n).into_owned());
            let n = items
                .get(1)
                .and_then(|s| doc.dereference(s).ok())
                .and_then(|(_, s)| s.as_stream().ok()?.dict.get(b"N").ok()?.as_i64().ok());
            format!("{} {}", kind.unwrap_or_default(), n.map(|n| n.to_string()).unwrap_or_default())
        }
        _ => String::new(),
    }
}

impl Walk<'_> {
    fn content(
        &mut self,
        content: &[u8],
        resources: Option<&Object>,
        ctm: [f32; 6],
        depth: usize,
        artifact: bool,
        top: bool,
    ) {
        let Ok(ops) = lopdf::content::Content::decode(content) else { return };
        let resources =
            resources.and_then(|r| self.doc.dereference(r).ok()).and_then(|(_, r)| r.as_dict().ok().cloned());
        let sub = |key: &[u8]| {
            resources
                .as_ref()
                .and_then(|r| r.get(key).ok())
                .and_then(|x| self.doc.dereference(x).ok())
                .and_then(|(_, x)| x.as_dict().ok().cloned())
                .unwrap_or_default()
        };
        let (fonts, xobjects) = (sub(b"Font"), sub(b"XObject"));
        let mut encodings: HashMap<Vec<u8>, (String, lopdf::Encoding)> = HashMap::new();
        for (name, f) in fonts.iter() {
            let Ok((_, f)) = self.doc.dereference(f) else { continue };
            let Ok(f) = f.as_dict() else { continue };
            let base =
                f.get(b"BaseFont").and_then(|b| b.as_name()).map(|b| String::from_utf8_lossy(b).into_owned());
            if let Ok(enc) = f.get_font_encoding(self.doc) {
                encodings.insert(name.clone(), (base.unwrap_or_default(), enc));
            }
        }
        let (mut ctm, mut saved) = (ctm, Vec::new());
        let (mut tm, mut tlm, mut font, mut size) = (IDENTITY, IDENTITY, Vec::new(), 0.0f32);
        let mut open: Vec<bool> = Vec::new();
        for op in ops.operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => saved.push(ctm),
                "Q" => ctm = saved.pop().unwrap_or(IDENTITY),
                "cm" => ctm = then(matrix(o), ctm),
                "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
                "Tm" => (tm, tlm) = (matrix(o), matrix(o)),
                "Td" | "TD" => {
                    let f = |i: usize| o.get(i).and_then(|v| v.as_float().ok()).unwrap_or(0.0);
                    tlm = then([1.0, 0.0, 0.0, 1.0, f(0), f(1)], tlm);
                    tm = tlm;
                }
                "Tf" => {
                    font = o.first().and_then(|f| f.as_name().ok()).unwrap_or_default().to_vec();
                    size = o.get(1).and_then(|v| v.as_float().ok()).unwrap_or(0.0);
                }
                "Tj" | "TJ" => {
                    let at = then(tm, ctm);
                    let strings: Vec<&[u8]> = match o.last() {
                        Some(Object::Array(parts)) => parts.iter().filter_map(|p| p.as_str().ok()).collect(),
                        Some(Object::String(s, _)) => vec![s.as_slice()],
                        _ => Vec::new(),
                    };
                    let (name, text) = match encodings.get(&font) {
                        Some((name, enc)) => (
                            name.clone(),
                            strings
                                .iter()
                                .map(|s| Document::decode_text(enc, s).unwrap_or_default())
                                .collect(),
                        ),
                        None => (String::new(), String::new()),
                    };
                    let scale = (at[0] * at[3] - at[1] * at[2]).abs().sqrt();
                    self.runs.push(Run {
                        x: at[4],
                        y: at[5],
                        size: size * scale,
                        font: name,
                        text,
                        artifact: artifact || open.iter().any(|a| *a),
                    });
                }
                "BDC" | "BMC" => {
                    open.push(o.first().and_then(|t| t.as_name().ok()) == Some(b"Artifact".as_slice()))
                }
                "EMC" => {
                    open.pop();
                }
                "Do" if depth < 8 => {
                    let Some(name) = o.first().and_then(|n| n.as_name().ok()) else { continue };
                    let Ok(form) = xobjects
                        .get(name)
                        .and_then(|f| self.doc.dereference(f))
                        .and_then(|(_, f)| f.as_stream())
                    else {
                        continue;
                    };
                    if form.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Image".as_slice()) {
                        let int = |k: &[u8]| form.dict.get(k).and_then(|v| v.as_i64()).unwrap_or(0);
                        let filter = match form.dict.get(b"Filter") {
                            Ok(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
                            Ok(Object::Array(a)) => a
                                .iter()
                                .filter_map(|n| n.as_name().ok())
                                .map(|n| String::from_utf8_lossy(n).into_owned())
                                .collect::<Vec<_>>()
                                .join(" "),
                            _ => String::new(),
                        };
                        let (x0, x1) = (ctm[4].min(ctm[4] + ctm[0]), ctm[4].max(ctm[4] + ctm[0]));
                        let (y0, y1) = (ctm[5].min(ctm[5] + ctm[3]), ctm[5].max(ctm[5] + ctm[3]));
                        self.images.push(DrawnImage {
                            pixels: (int(b"Width"), int(b"Height")),
                            colour_space: colour_space_name(self.doc, &form.dict),
                            filter,
                            rect: [x0, y0, x1 - x0, y1 - y0],
                        });
                        continue;
                    }
                    if form.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Form".as_slice()) {
                        continue;
                    }
                    let own = form
                        .dict
                        .get(b"Matrix")
                        .ok()
                        .and_then(|m| m.as_array().ok())
                        .map_or(IDENTITY, |m| matrix(m));
                    let drawn = then(own, ctm);
                    if top {
                        let b =
                            form.dict.get(b"BBox").ok().and_then(|b| b.as_array().ok()).map(|b| matrix(b));
                        let b = b.unwrap_or_default();
                        self.placed.push(Placed { matrix: drawn, bbox: [b[0], b[1], b[2], b[3]] });
                    }
                    let content = form.decompressed_content().unwrap_or_else(|_| form.content.clone());
                    let resources = form.dict.get(b"Resources").ok().cloned();
                    let artifact = artifact || open.iter().any(|a| *a);
                    self.content(&content, resources.as_ref(), drawn, depth + 1, artifact, false);
                }
                _ => {}
            }
        }
    }
}
