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
use crate::report::contract::protocol::{INPUT_NOTES, INPUT_OUTPUT, NOTES_DIR, OUTPUT_JSON, REPORT_TEMPLATE};
use crate::typeset::fonts::Fonts;

/// The largest template file read (the whole of `templates/` is about 60 KB).
const MAX_TEMPLATE_BYTES: u64 = 4 << 20;
/// The largest file of `data/` or `templates/` a template may read: a picture's limit.
const MAX_SERVED_BYTES: u64 = crate::data::MAX_IMAGE_BYTES;

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
    /// The printing condition's total ink limit, in percent, for the proof of print files.
    total_ink: f64,
    /// The printing condition's ICC profile, which a print file's pictures are converted to.
    output_profile: Arc<[u8]>,
}

impl Shared {
    /// Reads the templates of `root/templates/` and takes the given fonts; print files are
    /// proofed against `total_ink` percent of ink at most.
    pub fn new(
        root: &Path,
        fonts: Arc<Fonts>,
        total_ink: f64,
        output_profile: Arc<[u8]>,
    ) -> anyhow::Result<Self> {
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
                    let bytes = crate::data::read_regular(&path, MAX_TEMPLATE_BYTES)
                        .with_context(|| format!("cannot read the template {}", path.display()))?;
                    let text = String::from_utf8(bytes)
                        .with_context(|| format!("the template {} is not UTF-8", path.display()))?;
                    let id = id_for(&root, &path)?;
                    templates.insert(id, Source::new(id, text));
                }
            }
        }
        if !templates.contains_key(&file_id(REPORT_TEMPLATE)) {
            anyhow::bail!(
                "the entry template {} is missing",
                root.join(REPORT_TEMPLATE.trim_start_matches('/')).display()
            );
        }
        let readable =
            ["data", "templates"].iter().filter_map(|d| root.join(d).canonicalize().ok()).collect();
        Ok(Self {
            root,
            library: LazyHash::new(library()),
            fonts,
            templates,
            readable,
            total_ink,
            output_profile,
        })
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

    /// The printing condition's total ink limit, in percent.
    pub fn total_ink(&self) -> f64 {
        self.total_ink
    }

    /// The printing condition's ICC profile.
    pub fn output_profile(&self) -> &[u8] {
        &self.output_profile
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
    /// A World for one report, serving `files` (the report's
    /// [`Report::files`](crate::report::contract::Report::files)); `today` is
    /// the date that `datetime.today()` returns.
    pub fn new(shared: Arc<Shared>, files: Vec<(String, Vec<u8>)>, today: Datetime) -> Self {
        Self::with_files(shared, REPORT_TEMPLATE, files, today)
    }

    /// A World whose entry is the template `main` (e.g. `/templates/booklet.typ`), serving the
    /// virtual `files` (fixed paths such as `/booklet.json` and a document's
    /// [`document_files`](crate::report::contract::document_files): file ids are never freed).
    /// A path that cannot be a virtual path (a note key no slug makes) is left out.
    pub fn with_files(
        shared: Arc<Shared>,
        main: &str,
        files: Vec<(String, Vec<u8>)>,
        today: Datetime,
    ) -> Self {
        let files = files
            .into_iter()
            .filter_map(|(path, bytes)| {
                let vpath = VirtualPath::new(&path).ok()?;
                Some((RootedPath::new(VirtualRoot::Project, vpath).intern(), Bytes::new(bytes)))
            })
            .collect();
        Self { shared, main: file_id(main), files, today }
    }

    /// The World serving `pictures` too (`typeset::prepare::serve`), at their paths.
    pub fn with_pictures(mut self, pictures: &[(String, Bytes)]) -> Self {
        for (path, bytes) in pictures {
            if let Ok(vpath) = VirtualPath::new(path) {
                self.files.push((RootedPath::new(VirtualRoot::Project, vpath).intern(), bytes.clone()));
            }
        }
        self
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
        crate::data::read_regular(&real, MAX_SERVED_BYTES).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                FileError::from_io(e, &path)
            }
            _ => FileError::Other(Some(format!("{}: {e}", vpath.get_with_slash()).into())),
        })
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

/// The standard library, with `sys.inputs.output` naming [`OUTPUT_JSON`] and
/// `sys.inputs.notes` [`NOTES_DIR`].
fn library() -> Library {
    let inputs = [
        (INPUT_OUTPUT.into(), typst::foundations::Value::Str(OUTPUT_JSON.into())),
        (INPUT_NOTES.into(), typst::foundations::Value::Str(NOTES_DIR.into())),
    ];
    Library::builder().with_inputs(inputs.into_iter().collect()).build()
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
