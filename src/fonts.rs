//! The project's fonts: every font file in `fonts/`, and nothing from the system, so a PDF
//! comes out the same on every machine.
//!
//! Fonts are discovered once per process with fontdb (metadata only), shared by every report
//! and thread through an `Arc`, and each face's bytes are read the first time Typst asks for
//! it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, bail};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// The font book and the lazily loaded faces.
pub struct Fonts {
    /// Metadata of every face, in a fixed order (sorted by file and face index).
    pub book: LazyHash<FontBook>,
    slots: Vec<Slot>,
}

struct Slot {
    path: PathBuf,
    index: u32,
    font: OnceLock<Option<Font>>,
}

impl Fonts {
    /// Finds every font in `dir` (TrueType, OpenType and collections, recursively).
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        if !dir.is_dir() {
            bail!("the font folder {} does not exist", dir.display());
        }
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(dir);
        let mut faces: Vec<(PathBuf, u32, FontInfo)> = Vec::new();
        for face in db.faces() {
            let fontdb::Source::File(path) = &face.source else { continue };
            let info = db
                .with_face_data(face.id, FontInfo::new)
                .flatten()
                .with_context(|| format!("cannot read the font {}", path.display()))?;
            faces.push((path.clone(), face.index, info));
        }
        if faces.is_empty() {
            bail!("no fonts found in {}", dir.display());
        }
        // fontdb's order follows the directory listing, which differs between machines.
        faces.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut book = FontBook::new();
        let mut slots = Vec::with_capacity(faces.len());
        for (path, index, info) in faces {
            book.push(info);
            slots.push(Slot { path, index, font: OnceLock::new() });
        }
        Ok(Self { book: LazyHash::new(book), slots })
    }

    /// The face at `index` of the book, read on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let data = std::fs::read(&slot.path).ok()?;
                Font::new(Bytes::new(data), slot.index)
            })
            .clone()
    }

    /// The font files, for the inputs hash of incremental builds.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        let mut last: Option<&Path> = None;
        self.slots.iter().filter_map(move |s| {
            let p = s.path.as_path();
            if last == Some(p) {
                None
            } else {
                last = Some(p);
                Some(p)
            }
        })
    }
}
