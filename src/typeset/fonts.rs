//! The project's fonts: every font file in `fonts/`, and nothing from the system, so a PDF
//! comes out the same on every machine.
//!
//! Fonts are discovered once per process with fontdb (metadata only), shared by every report
//! and thread through an `Arc`, and each face's bytes are read the first time Typst asks for
//! it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, bail};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

use crate::diagnostics::Diagnostic;

use crate::diagnostics::is_invisible;

/// The font book and the lazily loaded faces.
pub struct Fonts {
    /// Metadata of every face, in a fixed order (sorted by file and face index).
    pub book: LazyHash<FontBook>,
    slots: Vec<Slot>,
    /// The hash of every font file's name and bytes, made on first use ([`Self::digest`]).
    digest: OnceLock<Vec<u8>>,
    /// Which ASCII characters some font has (bit `c`), made on first use: most of any text.
    ascii: OnceLock<u128>,
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
        Ok(Self { book: LazyHash::new(book), slots, digest: OnceLock::new(), ascii: OnceLock::new() })
    }

    /// Whether some font of the project has a glyph for `c` (Typst falls back to any of them).
    pub fn covers(&self, c: char) -> bool {
        if c.is_ascii() {
            let ascii = self.ascii.get_or_init(|| {
                (0..128u8).filter(|&b| self.any_covers(b as char)).fold(0, |bits, b| bits | 1 << b)
            });
            return ascii & (1 << c as u32) != 0;
        }
        self.any_covers(c)
    }

    fn any_covers(&self, c: char) -> bool {
        (0..self.slots.len()).any(|i| self.book.info(i).is_some_and(|info| info.coverage.contains(c as u32)))
    }

    /// A located error for each character of `text` (the file `path`) that no font in
    /// `fonts/` has: it would print as an empty box, which an accessible PDF may not hold.
    /// One error per character, at its first place, with the number of places.
    pub fn missing_glyphs(&self, path: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
        let mut seen: Vec<(char, usize, usize)> = Vec::new();
        // Characters found in a font, beyond ASCII (which `covers` answers from a table).
        let mut covered: Vec<char> = Vec::new();
        for (at, c) in text.char_indices() {
            if c.is_whitespace() || c.is_control() || is_invisible(c) || (c.is_ascii() && self.covers(c)) {
                continue;
            }
            if covered.contains(&c) {
                continue;
            }
            if let Some(entry) = seen.iter_mut().find(|(s, ..)| *s == c) {
                entry.2 += 1;
            } else if self.covers(c) {
                covered.push(c);
            } else {
                seen.push((c, at, 1));
            }
        }
        // Characters written as escapes (`&#x6D4B;`, `\u6D4B`) print as surely as typed ones.
        for (range, decoded) in crate::data::escapes(text) {
            for c in decoded.chars().filter(|&c| !c.is_whitespace() && !c.is_control() && !is_invisible(c)) {
                if !covered.contains(&c) && !seen.iter().any(|(s, ..)| *s == c) && !self.covers(c) {
                    seen.push((c, range.start, 1));
                }
            }
        }
        seen.into_iter()
            .map(|(c, at, count)| {
                let more = if count > 1 { format!(" (and {} more times in this file)", count - 1) } else { String::new() };
                Diagnostic::at(path, text, at..at + c.len_utf8(), format!("no font in fonts/ has the character `{c}` (U+{:04X}): it would print as an empty box{more}", c as u32))
                    .hint("write the text without it (fonts/README.md lists what the fonts cover), or add a font that has it to fonts/")
            })
            .collect()
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

    /// A SHA-256 of every font file's name and bytes, for the inputs hash of incremental
    /// builds; read once per loading of the fonts (`watch` loads them again when they change).
    pub fn digest(&self) -> &[u8] {
        self.digest.get_or_init(|| {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for path in self.files() {
                h.update(path.file_name().map(|f| f.as_encoded_bytes()).unwrap_or_default());
                // An unreadable font fails the render anyway; hash what can be read.
                let bytes = std::fs::read(path).unwrap_or_default();
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            h.finalize().to_vec()
        })
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
