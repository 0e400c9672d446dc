//! The pictures of a city: the files its texts' figures and its cover name, found in the
//! city's folder or in `data/images/`, read through the data sandbox, and checked from their
//! headers (what they are, how many pixels) with the facts `city.toml` gives them (credit,
//! decorative). Decoding the pixels is the typesetting stage's (`typeset::prepare`), which
//! `check` runs too.

use std::collections::btree_map::Entry;

use sha2::{Digest, Sha256};

use super::markdown::{Block, Figure};
use super::*;

/// The kinds of picture a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    /// A PNG.
    Png,
    /// A JPEG.
    Jpeg,
    /// A WebP.
    Webp,
    /// An SVG (a chart, a map).
    Svg,
}

impl ImageKind {
    /// The file name extensions of the kind.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Webp => &["webp"],
            Self::Svg => &["svg"],
        }
    }

    /// The kind's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
            Self::Svg => "SVG",
        }
    }

    /// The kind whose extension `ext` is (any case).
    fn of_extension(ext: &str) -> Option<Self> {
        let ext = ext.to_ascii_lowercase();
        [Self::Png, Self::Jpeg, Self::Webp, Self::Svg]
            .into_iter()
            .find(|k| k.extensions().contains(&ext.as_str()))
    }
}

/// One picture file, read and checked from its header.
#[derive(Debug)]
pub struct ImageFile {
    /// The file, as the user knows it (`data/cities/milan/tram.jpg`).
    pub shown: PathBuf,
    /// Its bytes.
    pub bytes: Arc<[u8]>,
    /// The first 16 hex digits of its SHA-256: names the file the templates read, and keys the
    /// batch's cache of prepared pictures.
    pub hash: String,
    /// What it is.
    pub kind: ImageKind,
    /// Its size in pixels (a raster image), from its header.
    pub pixels: Option<(u32, u32)>,
    /// Its width over its height (for an SVG, its `viewBox`'s or `width` and `height`'s).
    pub aspect: f64,
}

/// The largest picture file: a camera's full-size JPEG is 5–15 MB.
pub const MAX_IMAGE_BYTES: u64 = 40 * 1024 * 1024;
/// The most pixels a picture may have: a 50-megapixel camera's. Decoding takes 4 bytes a pixel
/// (200 MB at the limit) and the print file's CMYK copy as many again.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side of a picture, in pixels.
pub const MAX_SIDE: u32 = 12_000;

/// A city's pictures by the file as written: what its figures and cover name.
pub type Images = BTreeMap<String, Arc<ImageFile>>;

/// A place where a picture is named: its file and the range of the name there.
struct Use<'a> {
    file: &'a str,
    shown: &'a Path,
    text: &'a Arc<str>,
    range: Range<usize>,
}

impl Use<'_> {
    fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.shown, self.text, self.range.clone(), message)
    }
}

impl Data {
    /// The pictures of a city whose folder is `dir`: every figure of `texts` and the cover of
    /// `facts`, read and checked, with what is wrong (located at the first place naming the
    /// file) in `errors`; `[images."…"]` tables that name no picture of the city are warnings.
    pub(super) fn load_images(
        &self,
        dir: &Path,
        facts: &Facts,
        facts_source: &Place,
        texts: &BTreeMap<String, Text>,
        errors: &mut Vec<Diagnostic>,
    ) -> Images {
        let mut images = Images::new();
        let mut uses: Vec<Use<'_>> = Vec::new();
        if let Some(cover) = &facts.cover {
            uses.push(Use {
                file: &cover.image,
                shown: &facts_source.path,
                text: &facts_source.text,
                range: cover.span.clone(),
            });
        }
        for text in texts.values() {
            for figure in figures(&text.sections) {
                let range = figure.span.start + text.source.start()..figure.span.end + text.source.start();
                errors.extend(check_figure(figure, facts, &text.source, range.clone()));
                uses.push(Use {
                    file: &figure.file,
                    shown: &text.source.path,
                    text: &text.source.text,
                    range,
                });
            }
        }
        for u in &uses {
            if let Entry::Vacant(slot) = images.entry(u.file.to_string()) {
                match self.read_image(dir, u) {
                    Ok(file) => {
                        slot.insert(Arc::new(file));
                    }
                    Err(d) => errors.push(d),
                }
            }
            if !facts.images.get(u.file).is_some_and(|f| f.decorative || f.credit.is_some()) {
                errors.push(u.error(format!("the picture `{}` has no credit", u.file)).hint(format!(
                    "say who made it and under which licence in city.toml: `[images.\"{}\"]` then `credit = \"Photo: Jane Doe, CC BY 4.0\"` (or `decorative = true` for an ornament)",
                    u.file
                )));
            }
        }
        for (name, f) in &facts.images {
            if !images.contains_key(name) && !uses.iter().any(|u| u.file == name) {
                errors.push(
                    Diagnostic::at(&facts_source.path, &facts_source.text, f.span.clone(), format!("no text or cover of the city shows the picture `{name}`"))
                        .hint("the table's name is the file as the figure writes it, e.g. `![…](tram.jpg)` → `[images.\"tram.jpg\"]`")
                        .warning(),
                );
            }
        }
        images
    }

    /// Finds, reads and checks the file `u` names: in the city's folder `dir`, else in
    /// `data/images/`.
    fn read_image(&self, dir: &Path, u: &Use<'_>) -> Result<ImageFile, Diagnostic> {
        let written = Path::new(u.file);
        let plain = !u.file.is_empty()
            && !u.file.contains('\\')
            && written.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            return Err(u.error(format!("`{}` is not the name of a file in the city's folder or in data/images/", u.file))
                .hint("write the file's name as it is in data/cities/<city>/ or data/images/, e.g. `tram.jpg` or `maps/lombardy.svg`; no `..`, `/` at the start or web address"));
        }
        let shared = self.root.join("data").join("images");
        let Some(path) = [dir.join(written), shared.join(written)].into_iter().find(|p| p.exists()) else {
            return Err(u
                .error(format!(
                    "the picture `{}` is neither in {} nor in data/images/",
                    u.file,
                    diagnostics::display_path(dir, &self.root).display()
                ))
                .hint("copy the file there, or correct its name (names are case-sensitive)"));
        };
        let shown = diagnostics::display_path(&path, &self.root);
        let real = inside_data(&path, &self.root).map_err(|d| u.error(d.message))?;
        let size = super::regular_file_len(&real)
            .map_err(|e| u.error(format!("cannot read {}: {e}", shown.display())))?;
        if size > MAX_IMAGE_BYTES {
            return Err(u
                .error(format!(
                    "{} is {} MB; a picture may be at most {} MB",
                    shown.display(),
                    size >> 20,
                    MAX_IMAGE_BYTES >> 20
                ))
                .hint("save it smaller: a photo for a report needs about 3000 pixels across"));
        }
        let bytes = super::read_regular(&real, MAX_IMAGE_BYTES)
            .map_err(|e| u.error(format!("cannot read {}: {e}", shown.display())))?;
        let kind = sniff(&bytes).ok_or_else(|| {
            u.error(format!("{} is not a PNG, JPEG, WebP or SVG file", shown.display()))
                .hint("save the picture as JPEG (photos), PNG or SVG (charts, maps)")
        })?;
        let named = written.extension().and_then(|e| e.to_str()).and_then(ImageKind::of_extension);
        if named != Some(kind) {
            return Err(u
                .error(format!("{} is a {} file, but its name says otherwise", shown.display(), kind.name()))
                .hint(format!("rename it to end in .{}", kind.extensions()[0])));
        }
        let pixels = match kind {
            ImageKind::Svg => None,
            _ => Some(pixels(&bytes).ok_or_else(|| {
                u.error(format!("{} is damaged: its size cannot be read", shown.display()))
            })?),
        };
        if let Some((w, h)) = pixels
            && (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS)
        {
            return Err(u.error(format!(
                    "{} is {w} × {h} pixels; a picture may have at most {} megapixels and {MAX_SIDE} pixels a side",
                    shown.display(),
                    MAX_PIXELS / 1_000_000
                ))
                .hint("scale it down: 3000–4000 pixels across print sharp over the whole width of an A4 page"));
        }
        let aspect = match pixels {
            Some((w, h)) => f64::from(w) / f64::from(h),
            None => svg_aspect(&bytes).ok_or_else(|| {
                u.error(format!("{} gives no size: its `<svg>` tag has neither a `viewBox` nor a `width` and `height`", shown.display()))
                    .hint("save it again with a size (most programs write `viewBox=\"0 0 800 500\"`), so the report can give it its place")
            })?,
        };
        if !(0.1..=10.0).contains(&aspect) {
            return Err(u.error(format!("{} is {aspect:.2} times as wide as it is high; a picture's sides may differ by 10 times at most", shown.display()))
                .hint("crop it: a strip that thin cannot be read on a page"));
        }
        let hash = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
        Ok(ImageFile { shown, bytes: Arc::from(bytes), hash, kind, pixels, aspect })
    }
}

/// The alt text of a figure agrees with `city.toml`: a picture has one unless it is decorative,
/// and a decorative one has none.
fn check_figure(figure: &Figure, facts: &Facts, source: &Place, range: Range<usize>) -> Option<Diagnostic> {
    let decorative = facts.images.get(&figure.file).is_some_and(|f| f.decorative);
    let error = |m: String| Diagnostic::at(&source.path, &source.text, range.clone(), m);
    match (figure.alt.is_empty(), decorative) {
        (true, false) => Some(error(format!("the picture `{}` has no alt text", figure.file)).hint(
            "say what it shows between the brackets, for readers who cannot see it: `![Tram 9 on Piazza Duomo at rush hour](tram.jpg)`; a chart's alt text says what it shows (`Arrivals rose from 2,000 in 2015 to 9,000 in 2022`); an ornament is `decorative = true` under `[images.\"…\"]` in city.toml",
        )),
        (false, true) => Some(error(format!("the picture `{}` is decorative in city.toml, but has alt text here", figure.file))
            .hint("a decorative picture says nothing to a screen reader: empty the brackets (`![](…)`), or remove `decorative = true`")),
        _ => None,
    }
}

/// Every figure of `sections`, in order.
pub fn figures(sections: &[Section]) -> impl Iterator<Item = &Figure> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Figure>) {
        for block in blocks {
            match block {
                Block::Figure(f) => out.push(f),
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::Quote { content } => walk(content, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for section in sections {
        walk(&section.blocks, &mut out);
    }
    out.into_iter()
}

/// What the bytes are, from their first bytes (never from the name).
fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => Some(ImageKind::Png),
        Ok(imagesize::ImageType::Jpeg) => Some(ImageKind::Jpeg),
        Ok(imagesize::ImageType::Webp) => Some(ImageKind::Webp),
        _ => None,
    }
    .or_else(|| {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let head = head.trim_start_matches('\u{FEFF}').trim_start();
        (head.starts_with('<') && head.contains("<svg")).then_some(ImageKind::Svg)
    })
}

/// The width over the height of an SVG: its root's `viewBox`, else its `width` and `height`
/// (numbers, with or without a unit).
fn svg_aspect(bytes: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| {
        let at =
            tag.match_indices(name).find(|(i, _)| tag[..*i].ends_with(char::is_whitespace))?.0 + name.len();
        let rest = tag[at..].trim_start().strip_prefix('=')?.trim_start();
        let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &rest[1..];
        Some(&value[..value.find(quote)?])
    };
    let number = |s: &str| s.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse::<f64>().ok();
    let ratio = |w: f64, h: f64| (w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()).then(|| w / h);
    if let Some(view) = attr("viewBox") {
        let v: Vec<f64> =
            view.split([' ', ',']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
        if v.len() == 4 {
            return ratio(v[2], v[3]);
        }
    }
    ratio(number(attr("width")?)?, number(attr("height")?)?)
}

/// The size in pixels a raster image's header gives.
fn pixels(bytes: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(bytes).ok()?;
    Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"), Some(ImageKind::Jpeg));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some(ImageKind::Svg)
        );
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(ImageKind::of_extension("JPG"), Some(ImageKind::Jpeg));
        assert_eq!(svg_aspect(b"<svg xmlns='x' viewBox='0 0 800 400'>"), Some(2.0));
        assert_eq!(svg_aspect(b"<svg\n width=\"300px\" height=\"150\">"), Some(2.0));
        assert_eq!(svg_aspect(b"<svg stroke-width=\"3\" xmlns=\"x\">"), None);
    }
}
