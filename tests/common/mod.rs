//! Helpers for the black-box tests: run the real binary on a project folder and read the
//! PDF it produced (text per page, metadata, fonts, links, bookmarks).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lopdf::{Document, Object};

pub mod ink;
pub mod tagged;

/// The repository root: the real project with Milan's data.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture project under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// Runs `cityreport` with `args` in `root`; SOURCE_DATE_EPOCH is cleared so the data's date
/// is used.
pub fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CITYREPORT_ROOT")
        .output()
        .expect("run cityreport")
}

#[track_caller]
pub fn must_succeed(out: &Output) {
    assert!(
        out.status.success(),
        "cityreport failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts exit status 1 and returns stderr.
#[track_caller]
pub fn must_fail(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "expected exit status 1\nstderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "cityreport panicked:\n{stderr}");
    stderr
}

/// Renders `slug` in `lang` from the project at `root` into a fresh temporary folder and
/// returns the PDF's bytes.
pub fn render(root: &Path, slug: &str, lang: &str) -> Vec<u8> {
    let out = tempfile::tempdir().unwrap();
    let o = run(root, &["render", slug, "--lang", lang, "-o", out.path().to_str().unwrap()]);
    must_succeed(&o);
    std::fs::read(out.path().join(format!("{slug}-{lang}.pdf"))).expect("the PDF was written")
}

/// A produced PDF, parsed.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub doc: Document,
    /// Extracted text of each page.
    pub pages: Vec<String>,
}

impl Pdf {
    pub fn new(bytes: Vec<u8>) -> Self {
        let doc = Document::load_mem(&bytes).expect("a valid PDF");
        let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).expect("text extraction");
        Self { bytes, doc, pages }
    }

    /// All text, pages joined.
    pub fn text(&self) -> String {
        self.pages.join("\n")
    }

    /// Whether `needle` occurs in the text, ignoring whitespace and line-end hyphenation
    /// (the extraction breaks lines where the PDF does).
    pub fn has(&self, needle: &str) -> bool {
        contains_loose(&self.text(), needle)
    }

    /// The page indices (0-based) whose text contains `needle`, loosely.
    pub fn pages_with(&self, needle: &str) -> Vec<usize> {
        (0..self.pages.len()).filter(|&i| contains_loose(&self.pages[i], needle)).collect()
    }

    #[track_caller]
    pub fn assert_has(&self, needle: &str) {
        assert!(self.has(needle), "the PDF text lacks {needle:?}\n--- text ---\n{}", self.text());
    }

    /// A string from the document information dictionary, e.g. "Title".
    pub fn info(&self, key: &str) -> Option<String> {
        let info = self.doc.trailer.get(b"Info").ok()?;
        let dict = self.doc.dereference(info).ok()?.1.as_dict().ok()?;
        string(&self.doc, dict.get(key.as_bytes()).ok()?)
    }

    /// The catalog's /Lang.
    pub fn lang(&self) -> Option<String> {
        let catalog = self.doc.catalog().ok()?;
        string(&self.doc, catalog.get(b"Lang").ok()?)
    }

    /// Every font dictionary used by a page: (BaseFont, embedded?).
    pub fn fonts(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (_, obj) in self.doc.objects.iter() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
                continue;
            }
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"].iter().any(|k| dict.has(k));
            out.push((name, embedded));
        }
        out.sort();
        out
    }

    /// The URIs of all link annotations.
    pub fn link_uris(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, obj) in self.doc.objects.iter() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Subtype").and_then(|t| t.as_name()).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            let Ok(action) = dict.get(b"A") else { continue };
            let Ok((_, action)) = self.doc.dereference(action) else { continue };
            if let Ok(uri) = action.as_dict().and_then(|a| a.get(b"URI"))
                && let Some(s) = string(&self.doc, uri)
            {
                out.push(s);
            }
        }
        out
    }

    /// The titles of the top-level and nested bookmarks, depth-first.
    pub fn bookmarks(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Ok(catalog) = self.doc.catalog() else { return out };
        let Ok(outlines) = catalog.get(b"Outlines") else { return out };
        let Ok((_, outlines)) = self.doc.dereference(outlines) else { return out };
        let first = outlines.as_dict().ok().and_then(|d| d.get(b"First").ok()).cloned();
        self.walk_outline(first, &mut out);
        out
    }

    /// Every bookmark, depth-first: (depth from 1, title, 0-based page it leads to).
    pub fn bookmark_tree(&self) -> Vec<(usize, String, Option<usize>)> {
        let mut out = Vec::new();
        let Ok(catalog) = self.doc.catalog() else { return out };
        let Ok(outlines) = catalog.get(b"Outlines") else { return out };
        let Ok((_, outlines)) = self.doc.dereference(outlines) else { return out };
        let first = outlines.as_dict().ok().and_then(|d| d.get(b"First").ok()).cloned();
        let pages: Vec<lopdf::ObjectId> = self.doc.get_pages().into_values().collect();
        self.walk_tree(first, 1, &pages, &mut out);
        out
    }

    fn walk_tree(
        &self,
        mut item: Option<Object>,
        depth: usize,
        pages: &[lopdf::ObjectId],
        out: &mut Vec<(usize, String, Option<usize>)>,
    ) {
        while let Some(obj) = item {
            let Ok((_, node)) = self.doc.dereference(&obj) else { return };
            let Ok(dict) = node.as_dict() else { return };
            let title = dict.get(b"Title").ok().and_then(|t| string(&self.doc, t)).unwrap_or_default();
            let page = dict
                .get(b"Dest")
                .ok()
                .and_then(|d| self.doc.dereference(d).ok())
                .and_then(|(_, d)| d.as_array().ok()?.first()?.as_reference().ok())
                .and_then(|id| pages.iter().position(|p| *p == id));
            out.push((depth, title, page));
            self.walk_tree(dict.get(b"First").ok().cloned(), depth + 1, pages, out);
            item = dict.get(b"Next").ok().cloned();
        }
    }

    /// A page box (`MediaBox`, `TrimBox`, `BleedBox`) of page `index` (0-based), in points.
    pub fn page_box(&self, index: usize, key: &str) -> Option<[f32; 4]> {
        let id = *self.doc.get_pages().values().nth(index)?;
        let page = self.doc.get_dictionary(id).ok()?;
        let values: Vec<f32> = page
            .get(key.as_bytes())
            .ok()?
            .as_array()
            .ok()?
            .iter()
            .filter_map(|v| v.as_float().ok())
            .collect();
        values.try_into().ok()
    }

    /// How often each colour-setting operator (and its operands, for CMYK) occurs in the
    /// content of every page and of the forms those pages draw (XObjects, recursively).
    pub fn colour_operators(&self) -> Vec<(String, Vec<f32>)> {
        let mut out = Vec::new();
        for (_, id) in self.doc.get_pages() {
            let Ok(content) = self.doc.get_page_content(id) else { continue };
            let resources = self.doc.get_dictionary(id).ok().and_then(|p| p.get(b"Resources").ok()).cloned();
            self.walk_content(&content, resources, &mut out, 0);
        }
        out
    }

    fn walk_content(
        &self,
        content: &[u8],
        resources: Option<Object>,
        out: &mut Vec<(String, Vec<f32>)>,
        depth: usize,
    ) {
        const COLOUR: [&str; 12] = ["g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN"];
        let Ok(ops) = lopdf::content::Content::decode(content) else { return };
        for op in ops.operations {
            if COLOUR.contains(&op.operator.as_str()) {
                out.push((
                    op.operator.clone(),
                    op.operands.iter().filter_map(|o| o.as_float().ok()).collect(),
                ));
            }
        }
        if depth > 8 {
            return;
        }
        let Some(resources) = resources.and_then(|r| self.doc.dereference(&r).ok().map(|(_, r)| r.clone()))
        else {
            return;
        };
        let Ok(xobjects) = resources.as_dict().and_then(|r| r.get(b"XObject")) else { return };
        let Ok((_, xobjects)) = self.doc.dereference(xobjects) else { return };
        let Ok(xobjects) = xobjects.as_dict() else { return };
        for (_, x) in xobjects.iter() {
            let Ok((_, x)) = self.doc.dereference(x) else { continue };
            let Ok(stream) = x.as_stream() else { continue };
            if stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Form".as_slice()) {
                continue;
            }
            let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            self.walk_content(&content, stream.dict.get(b"Resources").ok().cloned(), out, depth + 1);
        }
    }

    /// The operators of page `index`'s content (0-based), each with its numeric operands
    /// rounded to a hundredth of a point: a fingerprint of what the page draws.
    pub fn page_operators(&self, index: usize) -> Vec<String> {
        let id = *self.doc.get_pages().values().nth(index).expect("page exists");
        operators(&self.doc.get_page_content(id).unwrap_or_default())
    }

    /// The forms (XObjects) page `index` draws, in drawing order: the horizontal offset of
    /// each (from the `cm` just before its `Do`) and its own operators, as [`Self::page_operators`].
    pub fn page_forms(&self, index: usize) -> Vec<(f32, Vec<String>)> {
        let id = *self.doc.get_pages().values().nth(index).expect("page exists");
        let content = self.doc.get_page_content(id).unwrap_or_default();
        let Ok(ops) = lopdf::content::Content::decode(&content) else { return Vec::new() };
        let resources = self.doc.get_dictionary(id).and_then(|p| p.get(b"Resources")).ok();
        let xobjects = resources
            .and_then(|r| self.doc.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok()?.get(b"XObject").ok())
            .and_then(|x| self.doc.dereference(x).ok())
            .and_then(|(_, x)| x.as_dict().ok().cloned())
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut x = 0.0;
        for op in ops.operations {
            match op.operator.as_str() {
                "cm" => x = op.operands.get(4).and_then(|v| v.as_float().ok()).unwrap_or(0.0),
                "Do" => {
                    let Some(name) = op.operands.first().and_then(|n| n.as_name().ok()) else { continue };
                    let Ok(form) = xobjects
                        .get(name)
                        .and_then(|f| self.doc.dereference(f))
                        .and_then(|(_, f)| f.as_stream())
                    else {
                        continue;
                    };
                    let content = form.decompressed_content().unwrap_or_else(|_| form.content.clone());
                    out.push((x, operators(&content)));
                }
                _ => {}
            }
        }
        out
    }

    /// The font sizes (`Tf`) set on page `index` (0-based), rounded to a tenth of a point.
    pub fn font_sizes(&self, index: usize) -> Vec<f32> {
        let id = *self.doc.get_pages().values().nth(index).expect("page exists");
        let content = self.doc.get_page_content(id).unwrap_or_default();
        let Ok(ops) = lopdf::content::Content::decode(&content) else { return Vec::new() };
        let mut sizes: Vec<f32> = ops
            .operations
            .iter()
            .filter(|op| op.operator == "Tf")
            .filter_map(|op| op.operands.get(1)?.as_float().ok())
            .map(|s| (s * 10.0).round() / 10.0)
            .collect();
        sizes.sort_by(f32::total_cmp);
        sizes.dedup();
        sizes
    }

    /// The subtypes of every XObject in the file (`Form`, `Image`).
    pub fn xobject_subtypes(&self) -> Vec<String> {
        self.doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"XObject".as_slice()))
            .filter_map(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    }

    fn walk_outline(&self, mut item: Option<Object>, out: &mut Vec<String>) {
        while let Some(obj) = item {
            let Ok((_, node)) = self.doc.dereference(&obj) else { return };
            let Ok(dict) = node.as_dict() else { return };
            if let Some(title) = dict.get(b"Title").ok().and_then(|t| string(&self.doc, t)) {
                out.push(title);
            }
            self.walk_outline(dict.get(b"First").ok().cloned(), out);
            item = dict.get(b"Next").ok().cloned();
        }
    }
}

/// The operators of a content stream with their numeric operands (rounded to 0.01).
fn operators(content: &[u8]) -> Vec<String> {
    let Ok(ops) = lopdf::content::Content::decode(content) else { return Vec::new() };
    ops.operations
        .iter()
        .map(|op| {
            let numbers: Vec<String> =
                op.operands.iter().filter_map(|o| o.as_float().ok()).map(|v| format!("{:.2}", v)).collect();
            format!("{} {}", numbers.join(" "), op.operator)
        })
        .collect()
}

/// Decodes a PDF text string (UTF-16BE with BOM, or PDFDocEncoding ≈ Latin-1).
fn string(doc: &Document, obj: &Object) -> Option<String> {
    let obj = doc.dereference(obj).ok()?.1;
    let bytes = obj.as_str().ok()?;
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(bytes.iter().map(|&b| b as char).collect())
    }
}

/// `text` without whitespace (and, in a second variant, without line-end hyphens) contains
/// `needle` without whitespace.
pub fn contains_loose(text: &str, needle: &str) -> bool {
    // U+00AD: a soft hyphen where Typst hyphenated a word. pdf-extract reads Typst's
    // ActualText of a hyphen glyph as one too: a hyphen of the text that ends a line comes
    // out as U+00AD as well (`C-MISE` as `C\u{ad}MISE`; viewers read `C-MISE`).
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '\u{ad}').collect::<String>();
    let n = squash(needle);
    squash(text).contains(&n)
        || squash(&text.replace("-\n", "")).contains(&n)
        || (text.contains('\u{ad}') && squash(text).contains(&n.replace('-', "")))
}

/// A temporary project made of the fixture's `data/` files laid over the repository's
/// `data/site.toml` and `data/i18n/` (when the fixture has none), with the repository's
/// templates and fonts linked in.
pub fn project_from(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("cities")).unwrap();
    copy_dir(&repo().join("data/i18n"), &data.join("i18n"));
    std::fs::copy(repo().join("data/site.toml"), data.join("site.toml")).unwrap();
    copy_dir(&fixture(name), &data);
    for link in ["templates", "fonts"] {
        std::os::unix::fs::symlink(repo().join(link), dir.path().join(link)).unwrap();
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces the project's link to the repository's templates by a copy it may change, and
/// returns the copy's folder.
pub fn own_templates(root: &Path) -> PathBuf {
    let templates = root.join("templates");
    std::fs::remove_file(&templates).unwrap();
    copy_dir(&repo().join("templates"), &templates);
    templates
}

/// Compares `actual` with the reference file `tests/snapshots/<name>`. A difference writes the
/// new output next to it (`<stem>.new.<ext>`) and returns the name; `SNAPSHOTS=overwrite`
/// accepts every new output instead.
pub fn snapshot(name: &str, actual: &[u8]) -> Option<String> {
    let dir = repo().join("tests/snapshots");
    let reference = dir.join(name);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let new = dir.join(format!("{stem}.new.{ext}"));
    if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
        std::fs::write(&reference, actual).unwrap();
        let _ = std::fs::remove_file(&new);
        return None;
    }
    match std::fs::read(&reference) {
        Ok(expected) if expected == actual => {
            let _ = std::fs::remove_file(&new);
            None
        }
        _ => {
            std::fs::write(&new, actual).unwrap();
            Some(name.to_string())
        }
    }
}
