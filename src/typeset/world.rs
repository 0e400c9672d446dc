//! The Typst World a report is compiled in: a sandbox holding the templates, the report's
//! data as a virtual file `/report.json`, the files under `data/` and the project's fonts.
//!
//! Everything that does not change between reports ([`Shared`]: the standard library, the
//! fonts, the parsed templates) is built once and shared by all Worlds of a batch through an
//! `Arc`. A [`ReportWorld`] adds only the report's JSON and date, so Typst's caches (comemo)
//! carry over from one report to the next: the data reaches Typst as a file, never through
//! `sys.inputs` (which would change the library's hash) and never as Typst source.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::diagnostics;
use crate::typeset::fonts::Fonts;

/// The virtual path of the report's data.
pub const DATA_PATH: &str = "/report.json";
/// The virtual path of the part of the data the look of every template depends on: the
/// `output` of `/report.json`, named by `sys.inputs.output` (see [`data_files`]).
pub const OUTPUT_PATH: &str = "/output.json";
/// The virtual folder of the footnotes' texts: `/notes/<key>.json` holds the text and language
/// of the footnote whose `key` is `<key>` in `/report.json`, named by `sys.inputs.notes` (see
/// [`data_files`]).
pub const NOTES_PATH: &str = "/notes/";
/// The virtual path of the entry template.
pub const MAIN_PATH: &str = "/templates/report.typ";

/// What every report of a project shares: library, fonts, templates.
pub struct Shared {
    /// The project root, canonical.
    root: PathBuf,
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    /// Every `.typ` file under `templates/`, parsed once.
    templates: HashMap<FileId, Source>,
    /// The real `data/` and `templates/` folders: all a template may read.
    readable: Vec<PathBuf>,
}

impl Shared {
    /// Reads the templates of `root/templates/` and takes the given fonts.
    pub fn new(root: &Path, fonts: Arc<Fonts>) -> anyhow::Result<Self> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot open the project folder {}", root.display()))?;
        let dir = root.join("templates");
        // The real folder (`templates/` may itself be a link, e.g. to a shared copy).
        let real_dir = dir
            .canonicalize()
            .with_context(|| format!("cannot read the template folder {}", dir.display()))?;
        let mut templates = HashMap::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let entries = fs::read_dir(&d)
                .with_context(|| format!("cannot read the template folder {}", d.display()))?;
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "typ") {
                    if !path.canonicalize().is_ok_and(|real| real.starts_with(&real_dir)) {
                        anyhow::bail!(
                            "the template {} is a symbolic link that leads outside templates/; copy the file into templates/ instead",
                            diagnostics::display_path(&path, &root).display()
                        );
                    }
                    let text = fs::read_to_string(&path)
                        .with_context(|| format!("cannot read the template {}", path.display()))?;
                    let id = id_for(&root, &path)?;
                    templates.insert(id, Source::new(id, text));
                }
            }
        }
        if !templates.contains_key(&file_id(MAIN_PATH)) {
            anyhow::bail!(
                "the entry template {} is missing",
                root.join(MAIN_PATH.trim_start_matches('/')).display()
            );
        }
        let readable =
            ["data", "templates"].iter().filter_map(|d| root.join(d).canonicalize().ok()).collect();
        Ok(Self { root, library: LazyHash::new(library()), fonts, templates, readable })
    }

    /// Whether the real (canonical) path `real` lies in the real `data/` or `templates/`
    /// folder (each may itself be a link, e.g. to a shared copy of the templates).
    fn readable(&self, real: &Path) -> bool {
        self.readable.iter().any(|dir| real.starts_with(dir))
    }

    /// Whether `path`, as written, names a place inside `data/` or `templates/`.
    fn readable_place(&self, path: &Path) -> bool {
        ["data", "templates"].iter().any(|d| path.starts_with(self.root.join(d)))
    }

    /// The template sources, for the inputs hash of incremental builds.
    pub fn template_texts(&self) -> Vec<(String, &str)> {
        let mut v: Vec<(String, &str)> = self
            .templates
            .iter()
            .map(|(id, s)| (id.get().vpath().get_with_slash().to_string(), s.text()))
            .collect();
        v.sort();
        v
    }

    /// The fonts, to share with another project state ([`crate::Project::reopen`]).
    pub fn fonts_arc(&self) -> Arc<Fonts> {
        Arc::clone(&self.fonts)
    }

    /// The fonts.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}

/// One document's World: a report, or a booklet or bundle made of reports.
pub struct ReportWorld {
    shared: Arc<Shared>,
    main: FileId,
    /// Virtual files: the document's data (and, for a booklet, the pages it imposes).
    files: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl ReportWorld {
    /// A World for one report: `data` is the JSON served at `/report.json`, `today` the date
    /// that `datetime.today()` returns.
    pub fn new(shared: Arc<Shared>, data: Vec<u8>, today: Datetime) -> Self {
        Self::with_files(shared, MAIN_PATH, vec![(DATA_PATH, data)], today)
    }

    /// A World whose entry is the template `main` (e.g. `/templates/booklet.typ`), with the
    /// virtual `files` (fixed paths such as `/booklet.json`: file ids are never freed) and, when
    /// they hold `/report.json`, the files derived from it ([`data_files`]).
    pub fn with_files(shared: Arc<Shared>, main: &str, files: Vec<(&str, Vec<u8>)>, today: Datetime) -> Self {
        let mut files: Vec<_> =
            files.into_iter().map(|(path, bytes)| (file_id(path), Bytes::new(bytes))).collect();
        if let Some((_, data)) = files.iter().find(|(id, _)| *id == file_id(DATA_PATH)) {
            files.extend(data_files(data));
        }
        Self { shared, main: file_id(main), files, today }
    }

    /// Reads a real file under the project root; anything that leads outside `data/` or
    /// `templates/` (through `..`, an absolute path or a symlink) is refused.
    fn read_sandboxed(&self, id: FileId) -> FileResult<Vec<u8>> {
        let rooted = id.get();
        if !matches!(rooted.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some(
                "packages are not available: cityreport works offline with the project's own templates"
                    .into(),
            )));
        }
        let vpath = rooted.vpath();
        let path = vpath.realize(&self.shared.root).map_err(FileError::Realize)?;
        let real = path.canonicalize().map_err(|e| FileError::from_io(e, &path))?;
        if !self.shared.readable(&real) {
            let shown = vpath.get_with_slash();
            let message = if self.shared.readable_place(&path) {
                // The path names a file inside data/ or templates/: a link leads out.
                format!(
                    "{shown} is a symbolic link to {}, outside the files a template may read (data/ and templates/)",
                    diagnostics::display_path(&real, &self.shared.root).display()
                )
            } else {
                format!("{shown} is outside the files a template may read (data/ and templates/)")
            };
            return Err(FileError::Other(Some(message.into())));
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        fs::read(&real).map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.shared.templates.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((_, bytes)) = self.files.iter().find(|(f, _)| *f == id) {
            return Ok(bytes.clone());
        }
        if let Some(source) = self.shared.templates.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.read_sandboxed(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// The standard library, with `sys.inputs.output` naming [`OUTPUT_PATH`] and
/// `sys.inputs.notes` [`NOTES_PATH`].
fn library() -> Library {
    let inputs = [
        ("output".into(), typst::foundations::Value::Str(OUTPUT_PATH.into())),
        ("notes".into(), typst::foundations::Value::Str(NOTES_PATH.into())),
    ];
    Library::builder().with_inputs(inputs.into_iter().collect()).build()
}

/// The files derived from a document's data (`/report.json`: a report's or a bundle's JSON),
/// which is parsed once for them:
///
/// - `/output.json`: its `output` alone, what `theme.typ` reads. A file apart so that Typst
///   evaluates the template modules, which all import the theme, once for all reports with the
///   same output, instead of again for each report (a module that reads a file depends on all
///   of its bytes). The report's `breaks` are not in it: the templates pass each part its own as
///   an argument, so a second typesetting with breaks (see
///   [`crate::typeset::render::typeset_paginated`]) evaluates no module again either. Data that is not
///   such JSON is served there whole, for the templates to report.
/// - `/notes/<key>.json` for each footnote (an object of `kind` `footnote` with a `key`,
///   anywhere in the data): `{"lang", "region", "content"}`, its language being the `lang` of
///   the nearest object around it that has one (its section or part), the region that
///   language's in the data's `regions`. `prose.typ` reads a note from there when the note is
///   laid out, so the footnote element itself holds only its key: a footnote at the same place
///   is the same in every language's report of a city, and so is the list of all footnotes,
///   which Typst's footnote counter queries for every note number it lays out (were the texts
///   in the notes, a difference in any note anywhere in the report would lay out every
///   paragraph citing a note again; see ARCHITECTURE.md). A key that cannot be a path gets no file
///   (keys are `<city slug>/<n>`).
pub fn data_files(data: &[u8]) -> Vec<(FileId, Bytes)> {
    use serde_json::Value;
    fn notes(value: &Value, lang: &Value, regions: &Value, out: &mut Vec<(FileId, Bytes)>) {
        match value {
            Value::Object(map) => {
                let lang = map.get("lang").filter(|l| l.is_string()).unwrap_or(lang);
                if map.get("kind").and_then(Value::as_str) == Some("footnote")
                    && let (Some(key), Some(content)) =
                        (map.get("key").and_then(Value::as_str), map.get("content"))
                    && !key.is_empty()
                    && let Ok(vpath) = VirtualPath::new(format!("{NOTES_PATH}{key}.json"))
                {
                    let region = lang.as_str().and_then(|l| regions.get(l)).unwrap_or(&Value::Null);
                    let note = serde_json::json!({ "lang": lang, "region": region, "content": content });
                    if let Ok(json) = serde_json::to_vec(&note) {
                        out.push((RootedPath::new(VirtualRoot::Project, vpath).intern(), Bytes::new(json)));
                    }
                }
                map.values().for_each(|v| notes(v, lang, regions, out));
            }
            Value::Array(items) => items.iter().for_each(|v| notes(v, lang, regions, out)),
            _ => {}
        }
    }
    let value = serde_json::from_slice::<Value>(data).ok();
    let output = value
        .as_ref()
        .and_then(|v| v.get("output"))
        .and_then(|output| serde_json::to_vec(&serde_json::json!({ "output": output })).ok())
        .unwrap_or_else(|| data.to_vec());
    let mut out = vec![(file_id(OUTPUT_PATH), Bytes::new(output))];
    if let Some(value) = &value {
        let regions = value.get("regions").unwrap_or(&Value::Null);
        notes(value, &Value::Null, regions, &mut out);
    }
    out
}

/// The file id of a project path such as `/templates/report.typ`.
pub fn file_id(path: &str) -> FileId {
    // Only called with the constant paths above, which are valid.
    let vpath = VirtualPath::new(path).expect("valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

fn id_for(root: &Path, path: &Path) -> anyhow::Result<FileId> {
    let vpath = VirtualPath::virtualize(root, path)
        .map_err(|e| anyhow::anyhow!("template path {}: {e:?}", path.display()))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

#[cfg(test)]
mod tests {
    use super::{OUTPUT_PATH, data_files, file_id};

    /// The file at `path` among the files derived from `data`.
    fn derived(data: &[u8], path: &str) -> Option<Vec<u8>> {
        let files = data_files(data);
        files.iter().find(|(id, _)| *id == file_id(path)).map(|(_, bytes)| bytes.as_slice().to_vec())
    }

    fn output_part(data: &[u8]) -> Vec<u8> {
        derived(data, OUTPUT_PATH).expect("/output.json is always derived")
    }

    #[test]
    fn the_output_part_holds_the_output_alone() {
        let a = br#"{"schema": 2, "city": "Milan", "output": {"profile": "web", "paper": "a4"}}"#;
        let b = br#"{"output": {"paper": "a4", "profile": "web"}, "city": "Mailand", "schema": 2}"#;
        assert_eq!(output_part(a), br#"{"output":{"paper":"a4","profile":"web"}}"#);
        // Reports that differ elsewhere share the same bytes: Typst's caches see one file.
        assert_eq!(output_part(a), output_part(b));
        // Nor do the report's breaks (the templates pass them to the parts as arguments).
        let c = br#"{"output": {"profile": "web"}, "breaks": ["milan/3/2"], "city": "Milan"}"#;
        assert_eq!(output_part(c), br#"{"output":{"profile":"web"}}"#);
        // Not report JSON: passed on whole, for the templates to stop with their own message.
        assert_eq!(output_part(b"[1, 2]"), b"[1, 2]");
        assert_eq!(output_part(br#"{"city": "Milan"}"#), br#"{"city": "Milan"}"#);
    }

    #[test]
    fn each_keyed_footnote_is_a_file_with_the_language_of_its_part() {
        let data = br#"{"lang": "it", "regions": {"de": "DE", "en": null}, "sections": [
            {"lang": "de", "blocks": [{"kind": "paragraph", "content": [{"kind": "text", "text": "a"},
                {"kind": "footnote", "key": "milan/1", "again": false, "content": [{"kind": "text", "text": "N"}]}]}],
             "subsections": [{"lang": "en", "lead": [
                {"kind": "footnote", "key": "milan/2", "content": [{"kind": "emph", "content": []}]}]}]},
            {"blocks": [{"kind": "footnote", "key": "", "content": []}, {"kind": "footnote", "content": []}]}]}"#;
        let read = |path: &str| {
            derived(data, path).map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap())
        };
        assert_eq!(data_files(data).len(), 3, "/output.json and only the notes with a key");
        assert_eq!(
            read("/notes/milan/1.json"),
            Some(
                serde_json::json!({"lang": "de", "region": "DE", "content": [{"kind": "text", "text": "N"}]})
            )
        );
        // A sub-section's own language; a language without a region.
        assert_eq!(
            read("/notes/milan/2.json"),
            Some(
                serde_json::json!({"lang": "en", "region": null, "content": [{"kind": "emph", "content": []}]})
            )
        );
        assert_eq!(data_files(b"not JSON").len(), 1, "not JSON: /output.json alone, no note");
    }
}
