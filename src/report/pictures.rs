//! Where a report's pictures go and at what size: each figure across the text's measure (less
//! when it would be too high), the cover photo in its box. Rust decides the sizes, so that the
//! typesetting stage can prepare each picture for the size it is printed at (a web file's
//! photo downsampled to [`WEB_PPI`]) and the templates place it at exactly that size.

use crate::data::markdown::{Block, Placed};
use crate::data::{City, ImageFile};
use crate::diagnostics::Place;
use crate::report::contract::{CoverPhoto, Picture, SectionOut};
use crate::report::output::Paper;

/// The resolution of a web or archive file's raster pictures at their printed size, at most:
/// sharp on a screen at 200 % and on an office printer, a fraction of a camera's bytes.
pub const WEB_PPI: f64 = 200.0;
/// Below this resolution at its printed size, a print file's picture gets a warning.
pub const PRINT_MIN_PPI: f64 = 250.0;

/// The text's measure and the tallest a figure may be, in millimetres (the measure is
/// `theme.typ`'s: 136 mm on A4, 118 mm on A5; `tests/pictures.rs` reads it back from the PDF).
fn figure_box(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::A4 => (136.0, 110.0),
        Paper::A5 => (118.0, 80.0),
    }
}

/// The cover photo's box, in millimetres: the cover's width between its margins.
pub fn cover_box(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::A4 => (174.0, 104.0),
        Paper::A5 => (112.0, 66.0),
    }
}

/// The virtual path of `file`: its hash, the same for every report showing it. No extension:
/// the file served is prepared for the profile (a web file's PNG photo becomes a JPEG, a print
/// file's picture a CMYK JPEG), and Typst tells the format from the bytes.
fn path_of(file: &ImageFile) -> String {
    format!("{}{}", crate::report::contract::protocol::IMAGES_DIR, file.hash)
}

/// Rounds millimetres to a hundredth (the JSON stays short and stable).
fn mm(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Places every figure of `sections` for `paper`, with its credit in its section's language
/// (else `default`),
/// and returns the pictures to prepare, in reading order.
pub fn place_figures(sections: &mut [SectionOut], city: &City, paper: Paper, default: &str) -> Vec<Picture> {
    let mut pictures = Vec::new();
    let (measure, tallest) = figure_box(paper);
    let mut place = |block: &mut Block, section_lang: &str| {
        let Block::Figure(figure) = block else { return };
        let Some(file) = city.images.get(&figure.file) else { return };
        let facts = city.facts.images.get(&figure.file).cloned().unwrap_or_default();
        let width = measure.min(tallest * file.aspect);
        let (width, height) = (mm(width), mm(width / file.aspect));
        let path = path_of(file);
        let credit =
            facts.credit.as_ref().map(|c| c.get(section_lang, default).to_string()).unwrap_or_default();
        figure.placed =
            Some(Placed { path: path.clone(), width, height, credit, decorative: facts.decorative });
        let Some(s) = city.texts.get(section_lang).map(|t| &t.source) else { return };
        let origin = s.within(figure.span.clone());
        pictures.push(Picture { path, file: file.clone(), printed: (width, height), origin });
    };
    for section in sections.iter_mut() {
        let lang = section.lang.clone();
        visit(&mut section.blocks, &mut |b| place(b, &lang));
        for sub in &mut section.subsections {
            let lang = sub.lang.clone();
            visit(&mut sub.blocks, &mut |b| place(b, &lang));
        }
    }
    pictures
}

/// Calls `f` on every block of `blocks`, lists' and quotes' too.
fn visit(blocks: &mut [Block], f: &mut dyn FnMut(&mut Block)) {
    for block in blocks {
        match block {
            Block::List { items, .. } => items.iter_mut().for_each(|i| visit(i, f)),
            Block::Quote { content } => visit(content, f),
            _ => {}
        }
        f(block);
    }
}

/// The cover photo of `city` on `paper`, in `lang` (else `default`), and the picture to
/// prepare: the photo fills its box.
pub fn cover_photo(city: &City, paper: Paper, lang: &str, default: &str) -> Option<(CoverPhoto, Picture)> {
    let cover = city.facts.cover.as_ref()?;
    let file = city.images.get(&cover.image)?;
    let (width, height) = cover_box(paper);
    let scale = (width / file.aspect).max(height);
    let printed = (mm(scale * file.aspect), mm(scale));
    let credit = city
        .facts
        .images
        .get(&cover.image)
        .and_then(|f| f.credit.as_ref())
        .map(|c| c.get(lang, default).to_string());
    let path = path_of(file);
    let photo = CoverPhoto {
        path: path.clone(),
        width,
        height,
        alt: cover.alt.get(lang, default).to_string(),
        credit: credit.unwrap_or_default(),
    };
    let Place { path: path_shown, text, .. } = &city.facts_source;
    let origin = Place { path: path_shown.clone(), text: text.clone(), range: cover.span.clone() };
    Some((photo, Picture { path, file: file.clone(), printed, origin }))
}
