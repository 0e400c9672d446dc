//! Reading a tagged PDF back as a screen reader meets it: the structure tree (roles, alt
//! texts, languages, in reading order), the marked content of each page (which structure
//! element each piece of text belongs to, and the baselines it sits on), and the XMP metadata.

use std::collections::{BTreeMap, HashMap};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::Pdf;

/// One structure element.
#[derive(Debug, Clone)]
pub struct Element {
    /// The standard role (after the role map): `H1`, `P`, `L`, `LI`, `Lbl`, `LBody`, …
    pub role: String,
    /// `/Alt`, the alternative text.
    pub alt: Option<String>,
    /// `/Lang`, where the element's language differs from its parent's.
    pub lang: Option<String>,
    /// `/T`, the title (Typst writes a heading's text here).
    pub title: Option<String>,
    pub children: Vec<Node>,
}

/// A child of a structure element.
#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    /// Marked content `mcid` on page `page` (0-based).
    Content {
        page: usize,
        mcid: i64,
    },
    /// An annotation (a link's clickable area).
    Annotation,
}

impl Element {
    /// Every element of the subtree, this one first, in reading order.
    pub fn walk(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for child in &self.children {
            if let Node::Element(e) = child {
                out.extend(e.walk());
            }
        }
        out
    }

    /// The text of the subtree in reading order, as `tagged` decoded it.
    pub fn text(&self, tagged: &Tagged) -> String {
        self.contents(&|_| false).iter().filter_map(|k| tagged.text.get(k)).cloned().collect()
    }

    /// The marked content of the subtree in reading order, leaving out the subtrees whose role
    /// `skip` refuses.
    pub fn contents(&self, skip: &dyn Fn(&Element) -> bool) -> Vec<(usize, i64)> {
        let mut out = Vec::new();
        for child in &self.children {
            match child {
                Node::Element(e) if !skip(e) => out.extend(e.contents(skip)),
                Node::Content { page, mcid } => out.push((*page, *mcid)),
                _ => {}
            }
        }
        out
    }
}

/// What a page's content stream says about one marked-content sequence.
#[derive(Debug, Default, Clone)]
pub struct Marked {
    /// The baselines (y, in points from the page's foot) of the text shown in it.
    pub baselines: Vec<f32>,
}

/// The tagged structure of a PDF.
pub struct Tagged {
    /// The children of the structure tree root.
    pub roots: Vec<Element>,
    /// Per (page, MCID): what the content stream shows in it.
    pub marked: HashMap<(usize, i64), Marked>,
    /// Per (page, MCID): its text, decoded through the fonts' ToUnicode maps.
    pub text: HashMap<(usize, i64), String>,
    /// Per page: the painting operators (text, paths, images, forms) outside both marked
    /// content with an MCID and artifacts.
    pub untagged: BTreeMap<usize, Vec<String>>,
    /// Per page: MCIDs in the content that no structure element claims.
    pub unclaimed: BTreeMap<usize, Vec<i64>>,
}

impl Tagged {
    /// Every element, in reading order.
    pub fn elements(&self) -> Vec<&Element> {
        self.roots.iter().flat_map(|r| r.walk()).collect()
    }

    /// The roles of every element, in reading order.
    pub fn roles(&self) -> Vec<String> {
        self.elements().iter().map(|e| e.role.clone()).collect()
    }

    /// The leaves of the tree in reading order: each marked content with the element it is in.
    pub fn leaves(&self) -> Vec<(usize, i64)> {
        self.roots.iter().flat_map(|r| r.contents(&|_| false)).collect()
    }

    /// An outline of the tree, one element a line, indented by depth: role, (lang), "title",
    /// [alt], and the text of elements that hold text directly, as a screen reader reads it.
    pub fn outline(&self) -> String {
        fn go(e: &Element, depth: usize, tagged: &Tagged, out: &mut String) {
            let mut line = format!("{}{}", "  ".repeat(depth), e.role);
            if let Some(lang) = &e.lang {
                line += &format!(" ({lang})");
            }
            if let Some(title) = &e.title {
                line += &format!(" \"{title}\"");
            }
            if let Some(alt) = &e.alt {
                line += &format!(" [alt: {alt}]");
            }
            let own: String = e
                .children
                .iter()
                .filter_map(|c| match c {
                    Node::Content { page, mcid } => tagged.text.get(&(*page, *mcid)).cloned(),
                    _ => None,
                })
                .collect();
            if !own.trim().is_empty() {
                let own: String = own.chars().take(70).collect();
                line += &format!(": {own}");
            }
            out.push_str(&line);
            out.push('\n');
            for c in &e.children {
                if let Node::Element(c) = c {
                    go(c, depth + 1, tagged, out);
                }
            }
        }
        let mut out = String::new();
        for r in &self.roots {
            go(r, 0, self, &mut out);
        }
        out
    }
}

impl Pdf {
    /// The catalog's XMP metadata packet, as text.
    pub fn xmp(&self) -> Option<String> {
        let catalog = self.doc.catalog().ok()?;
        let (_, stream) = self.doc.dereference(catalog.get(b"Metadata").ok()?).ok()?;
        let stream = stream.as_stream().ok()?;
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The value of an XMP property written as an element (`<pdfuaid:part>1</pdfuaid:part>`)
    /// or as an attribute (`pdfuaid:part="1"`).
    pub fn xmp_value(&self, name: &str) -> Option<String> {
        let xmp = self.xmp()?;
        if let Some(start) = xmp.find(&format!("<{name}>")) {
            let rest = &xmp[start + name.len() + 2..];
            return Some(rest[..rest.find('<')?].trim().to_string());
        }
        let start = xmp.find(&format!("{name}=\""))?;
        let rest = &xmp[start + name.len() + 2..];
        Some(rest[..rest.find('"')?].to_string())
    }

    /// The fonts (BaseFont, e.g. `ABCDEF+Rubik-Black`) of page `index` (0-based).
    pub fn page_fonts(&self, index: usize) -> Vec<String> {
        let id = *self.doc.get_pages().values().nth(index).expect("page exists");
        let fonts = self
            .doc
            .get_dictionary(id)
            .and_then(|p| p.get(b"Resources"))
            .and_then(|r| self.doc.dereference(r))
            .and_then(|(_, r)| r.as_dict()?.get(b"Font"))
            .and_then(|f| self.doc.dereference(f))
            .and_then(|(_, f)| f.as_dict().cloned());
        let Ok(fonts) = fonts else { return Vec::new() };
        fonts
            .iter()
            .filter_map(|(_, f)| {
                self.doc.dereference(f).ok()?.1.as_dict().ok()?.get(b"BaseFont").ok()?.as_name().ok()
            })
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    }

    /// The catalog's `/ViewerPreferences /DisplayDocTitle`.
    pub fn display_doc_title(&self) -> bool {
        let Ok(catalog) = self.doc.catalog() else { return false };
        let prefs = catalog.get(b"ViewerPreferences").and_then(|p| self.doc.dereference(p)).ok();
        prefs
            .and_then(|(_, p)| p.as_dict().ok()?.get(b"DisplayDocTitle").ok()?.as_bool().ok())
            .unwrap_or(false)
    }

    /// The link annotations of every page: (page, URI or none for an internal link,
    /// `/Contents`).
    pub fn link_annotations(&self) -> Vec<(usize, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        for (index, (_, id)) in self.doc.get_pages().into_iter().enumerate() {
            let Ok(page) = self.doc.get_dictionary(id) else { continue };
            let Ok(annots) = page.get(b"Annots").and_then(|a| self.doc.dereference(a)) else { continue };
            for a in annots.1.as_array().map(|a| a.as_slice()).unwrap_or_default() {
                let Ok((_, a)) = self.doc.dereference(a) else { continue };
                let Ok(a) = a.as_dict() else { continue };
                if a.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Link".as_slice()) {
                    continue;
                }
                let uri = a
                    .get(b"A")
                    .and_then(|x| self.doc.dereference(x))
                    .ok()
                    .and_then(|(_, x)| x.as_dict().ok()?.get(b"URI").ok().cloned())
                    .and_then(|u| super::string(&self.doc, &u));
                let contents = a.get(b"Contents").ok().and_then(|c| super::string(&self.doc, c));
                out.push((index, uri, contents));
            }
        }
        out
    }

    /// The structure tree and the marked content of every page.
    pub fn tagged(&self) -> Tagged {
        let doc = &self.doc;
        let pages: HashMap<ObjectId, usize> =
            doc.get_pages().into_values().enumerate().map(|(i, id)| (id, i)).collect();
        let catalog = doc.catalog().expect("a catalog");
        let root = catalog
            .get(b"StructTreeRoot")
            .and_then(|r| doc.dereference(r))
            .and_then(|(_, r)| r.as_dict())
            .expect("the PDF is tagged: its catalog has a StructTreeRoot");
        let role_map = root
            .get(b"RoleMap")
            .and_then(|m| doc.dereference(m))
            .and_then(|(_, m)| m.as_dict())
            .cloned()
            .unwrap_or_default();
        let reader = TreeReader { doc, pages: &pages, role_map: &role_map };
        let roots = match root.get(b"K") {
            Ok(k) => reader.kids(k, None),
            Err(_) => Vec::new(),
        }
        .into_iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
        .collect::<Vec<_>>();

        let mut claimed: HashMap<usize, Vec<i64>> = HashMap::new();
        for r in &roots {
            for (page, mcid) in r.contents(&|_| false) {
                claimed.entry(page).or_default().push(mcid);
            }
        }

        let mut marked = HashMap::new();
        let mut text = HashMap::new();
        let mut untagged = BTreeMap::new();
        let mut unclaimed = BTreeMap::new();
        for (id, index) in &pages {
            let content = doc.get_page_content(*id).unwrap_or_default();
            let ops = lopdf::content::Content::decode(&content).map(|c| c.operations).unwrap_or_default();
            let fonts = doc.get_page_fonts(*id).unwrap_or_default();
            let encodings = fonts
                .into_iter()
                .filter_map(|(name, f)| Some((name, f.get_font_encoding(doc).ok()?)))
                .collect();
            let mut page = PageWalk { encodings, ..PageWalk::default() };
            page.walk(&ops);
            for (mcid, t) in std::mem::take(&mut page.text) {
                text.insert((*index, mcid), t);
            }
            for (mcid, m) in page.marked {
                if !claimed.get(index).is_some_and(|c| c.contains(&mcid)) {
                    unclaimed.entry(*index).or_insert_with(Vec::new).push(mcid);
                }
                marked.insert((*index, mcid), m);
            }
            if !page.untagged.is_empty() {
                untagged.insert(*index, page.untagged);
            }
        }
        Tagged { roots, marked, text, untagged, unclaimed }
    }
}

struct TreeReader<'a> {
    doc: &'a Document,
    pages: &'a HashMap<ObjectId, usize>,
    role_map: &'a Dictionary,
}

impl TreeReader<'_> {
    fn page_of(&self, dict: &Dictionary, inherited: Option<usize>) -> Option<usize> {
        match dict.get(b"Pg").and_then(|p| p.as_reference()) {
            Ok(id) => self.pages.get(&id).copied(),
            Err(_) => inherited,
        }
    }

    fn kids(&self, k: &Object, page: Option<usize>) -> Vec<Node> {
        let items: Vec<&Object> = match k {
            Object::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Object::Integer(mcid) => {
                    out.push(Node::Content { page: page.expect("marked content with a page"), mcid: *mcid })
                }
                Object::Reference(_) | Object::Dictionary(_) => {
                    let dict = match item {
                        Object::Reference(id) => match self.doc.get_object(*id).and_then(|o| o.as_dict()) {
                            Ok(d) => d,
                            Err(_) => continue,
                        },
                        Object::Dictionary(d) => d,
                        _ => unreachable!(),
                    };
                    let kind = dict.get(b"Type").and_then(|t| t.as_name()).ok();
                    match kind {
                        Some(b"MCR") => {
                            let mcid =
                                dict.get(b"MCID").and_then(|m| m.as_i64()).expect("an MCR has an MCID");
                            let page = self.page_of(dict, page).expect("an MCR has a page");
                            out.push(Node::Content { page, mcid });
                        }
                        Some(b"OBJR") => out.push(Node::Annotation),
                        _ => out.push(Node::Element(self.element(dict, page))),
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn element(&self, dict: &Dictionary, page: Option<usize>) -> Element {
        let mut role = dict.get(b"S").and_then(|s| s.as_name()).map(|s| s.to_vec()).unwrap_or_default();
        // Follow the role map to a standard role.
        for _ in 0..8 {
            match self.role_map.get(&role).and_then(|r| r.as_name()) {
                Ok(mapped) => role = mapped.to_vec(),
                Err(_) => break,
            }
        }
        let page = self.page_of(dict, page);
        let text = |key: &[u8]| dict.get(key).ok().and_then(|v| super::string(self.doc, v));
        Element {
            role: String::from_utf8_lossy(&role).into_owned(),
            alt: text(b"Alt"),
            lang: text(b"Lang"),
            title: text(b"T"),
            children: dict.get(b"K").map(|k| self.kids(k, page)).unwrap_or_default(),
        }
    }
}

/// The state of a walk through a page's content stream.
#[derive(Default)]
struct PageWalk<'a> {
    /// The page's fonts' encodings by resource name, and the current font.
    encodings: HashMap<Vec<u8>, lopdf::Encoding<'a>>,
    font: Vec<u8>,
    text: HashMap<i64, String>,
    /// The current transformation matrix and the saved ones.
    ctm: Matrix,
    saved: Vec<Matrix>,
    /// Text matrix and text line matrix, text leading.
    tm: Matrix,
    tlm: Matrix,
    leading: f32,
    /// Open marked-content sequences: Some(mcid), or None for one without an MCID, with
    /// whether it is an artifact.
    open: Vec<(Option<i64>, bool)>,
    marked: HashMap<i64, Marked>,
    untagged: Vec<String>,
}

#[derive(Clone, Copy, Debug)]
struct Matrix([f32; 6]);

impl Default for Matrix {
    fn default() -> Self {
        Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    }
}

impl Matrix {
    /// `self` then `other` (PDF's row-vector convention: self × other).
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(ops: &[Object]) -> Matrix {
        let mut m = [0.0; 6];
        for (slot, v) in m.iter_mut().zip(ops) {
            *slot = v.as_float().unwrap_or(0.0);
        }
        Matrix(m)
    }

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

impl PageWalk<'_> {
    fn current_mcid(&self) -> Option<i64> {
        self.open.iter().rev().find_map(|(m, _)| *m)
    }

    fn in_artifact(&self) -> bool {
        self.open.iter().any(|(_, artifact)| *artifact)
    }

    fn paint(&mut self, op: &str) {
        if self.in_artifact() {
            return;
        }
        match self.current_mcid() {
            Some(mcid) => {
                self.marked.entry(mcid).or_default();
            }
            None => self.untagged.push(op.to_string()),
        }
    }

    fn show_text(&mut self, op: &lopdf::content::Operation) {
        self.paint(&op.operator);
        if self.in_artifact() {
            return;
        }
        if let Some(mcid) = self.current_mcid() {
            let y = self.tm.then(self.ctm).0[5];
            self.marked.entry(mcid).or_default().baselines.push(y);
            let strings: Vec<&[u8]> = match op.operands.last() {
                Some(Object::Array(parts)) => parts.iter().filter_map(|p| p.as_str().ok()).collect(),
                Some(Object::String(s, _)) => vec![s.as_slice()],
                _ => Vec::new(),
            };
            if let Some(encoding) = self.encodings.get(&self.font) {
                let out = self.text.entry(mcid).or_default();
                for s in strings {
                    out.push_str(&Document::decode_text(encoding, s).unwrap_or_default());
                }
            }
        }
    }

    fn walk(&mut self, ops: &[lopdf::content::Operation]) {
        for op in ops {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => self.saved.push(self.ctm),
                "Q" => self.ctm = self.saved.pop().unwrap_or_default(),
                "cm" => self.ctm = Matrix::from_operands(o).then(self.ctm),
                "BT" => {
                    self.tm = Matrix::default();
                    self.tlm = Matrix::default();
                }
                "Tm" => {
                    self.tm = Matrix::from_operands(o);
                    self.tlm = self.tm;
                }
                "Td" | "TD" => {
                    let (x, y) = (
                        o.first().and_then(|v| v.as_float().ok()).unwrap_or(0.0),
                        o.get(1).and_then(|v| v.as_float().ok()).unwrap_or(0.0),
                    );
                    if op.operator == "TD" {
                        self.leading = -y;
                    }
                    self.tlm = Matrix::translate(x, y).then(self.tlm);
                    self.tm = self.tlm;
                }
                "TL" => self.leading = o.first().and_then(|v| v.as_float().ok()).unwrap_or(0.0),
                "T*" | "'" | "\"" => {
                    self.tlm = Matrix::translate(0.0, -self.leading).then(self.tlm);
                    self.tm = self.tlm;
                    if op.operator != "T*" {
                        self.show_text(op);
                    }
                }
                "Tj" | "TJ" => self.show_text(op),
                "Tf" => self.font = o.first().and_then(|f| f.as_name().ok()).unwrap_or_default().to_vec(),
                "BDC" | "BMC" => {
                    let tag = o.first().and_then(|t| t.as_name().ok()).unwrap_or_default();
                    let mcid = o
                        .get(1)
                        .and_then(|p| p.as_dict().ok())
                        .and_then(|d| d.get(b"MCID").ok()?.as_i64().ok());
                    self.open.push((mcid, tag == b"Artifact"));
                }
                "EMC" => {
                    self.open.pop();
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "S" | "s" | "sh" | "Do" | "BI" => {
                    self.paint(&op.operator)
                }
                _ => {}
            }
        }
    }
}

/// The lines of text of `contents` on each page: baselines closer than `tolerance` points
/// are one line (a footnote number sits a little above its line).
pub fn lines_per_page(tagged: &Tagged, contents: &[(usize, i64)], tolerance: f32) -> BTreeMap<usize, usize> {
    let mut baselines: BTreeMap<usize, Vec<f32>> = BTreeMap::new();
    for key in contents {
        if let Some(m) = tagged.marked.get(key) {
            baselines.entry(key.0).or_default().extend(&m.baselines);
        }
    }
    baselines
        .into_iter()
        .filter(|(_, ys)| !ys.is_empty())
        .map(|(page, mut ys)| {
            ys.sort_by(|a, b| b.total_cmp(a));
            let lines = 1 + ys.windows(2).filter(|w| w[0] - w[1] > tolerance).count();
            (page, lines)
        })
        .collect()
}
