//! The laid-out pages as the proof reads them: every piece of ink (text, fills, strokes,
//! images) with its place on the page, its colour, what clips it, and what it belongs to — a
//! part of the data, a paragraph, a footnote, the running header and footer.
//!
//! Read from Typst's frames, not from the PDF: the frames hold what the PDF will draw, and
//! also what the templates mark (`templates/theme.typ`, "Marks for the proof"): where each
//! part of the data begins and ends, which pages are the cover, the back cover or blank, the
//! page margins. Coordinates are points from the trimmed page's top-left corner, y down; the
//! bleed lies at negative coordinates and beyond the page's size.

use typst::foundations::{Content, Value};
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::model::{FootnoteElem, FootnoteEntry, ParElem};
use typst::pdf::ArtifactElem;
use typst::syntax::Span;
use typst::visualize::{Color, Geometry as Shape, ImageFormat, Paint, VectorFormat};
use typst_layout::PagedDocument;

pub use crate::report::contract::protocol::{
    GEOMETRY_LABEL, PAGE_LABEL, PARAGRAPH_LABEL, PART_END_LABEL, PART_LABEL, SECTION_LABEL,
};

/// A rectangle in points: `x0 ≤ x1`, `y0 ≤ y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x0: f64,
    /// Top edge (y grows downwards).
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Bottom edge.
    pub y1: f64,
}

impl Rect {
    /// The rectangle from (`x0`, `y0`) to (`x1`, `y1`).
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Self { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }

    /// `x1 - x0`.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// `y1 - y0`.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// The part both rectangles cover, if any.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let r = Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (r.x0 < r.x1 && r.y0 < r.y1).then_some(r)
    }

    /// Whether `other` lies inside this rectangle, give or take `tolerance` points.
    pub fn contains(&self, other: &Rect, tolerance: f64) -> bool {
        other.x0 >= self.x0 - tolerance
            && other.y0 >= self.y0 - tolerance
            && other.x1 <= self.x1 + tolerance
            && other.y1 <= self.y1 + tolerance
    }

    /// This rectangle grown by `d` on every side.
    pub fn grow(&self, d: f64) -> Rect {
        Rect { x0: self.x0 - d, y0: self.y0 - d, x1: self.x1 + d, y1: self.y1 + d }
    }

    fn of(size: Size, ts: Transform) -> Rect {
        let corners =
            [Point::zero(), Point::with_x(size.x), Point::with_y(size.y), Point::new(size.x, size.y)]
                .map(|p| p.transform(ts));
        let xs = corners.map(|p| p.x.to_pt());
        let ys = corners.map(|p| p.y.to_pt());
        let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
        let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
        Rect { x0: min(xs), y0: min(ys), x1: max(xs), y1: max(ys) }
    }
}

/// What a mark is.
#[derive(Debug, Clone)]
pub enum Ink {
    /// A run of text: its characters, size in points, baseline and weight.
    Text {
        /// The characters.
        text: String,
        /// The font size, in points.
        size: f64,
        /// The baseline's y, in points.
        baseline: f64,
        /// Whether the face is bold (or heavier).
        bold: bool,
    },
    /// A filled shape.
    Fill,
    /// A stroked line or outline, `thickness` points wide.
    Stroke {
        /// The line's width, in points.
        thickness: f64,
    },
    /// An image (a page of a PDF placed in a booklet, a picture): its natural size in points.
    Image {
        /// Width and height, in points.
        natural: (f64, f64),
    },
}

/// One piece of ink on a page.
#[derive(Debug, Clone)]
pub struct Mark {
    /// What it is.
    pub ink: Ink,
    /// Its extent (for text: the advance widths, from the capitals' height to the baseline).
    pub rect: Rect,
    /// The part of `rect` the clipping of its groups leaves visible; `None` when it is all
    /// clipped away.
    pub visible: Option<Rect>,
    /// Whether a group clips it to nothing at all on purpose (a zero-size clip hides a
    /// bundle's bookmark heading).
    pub hidden: bool,
    /// Its colour (for a stroke, the stroke's), if solid.
    pub colour: Option<Color>,
    /// Part of the running header or footer, or another decoration (PDF artifact).
    pub artifact: bool,
    /// Inside a footnote entry.
    pub note: bool,
    /// The innermost open part of the data ([`Pages::parts`]).
    pub part: Option<usize>,
    /// The named paragraph it belongs to ([`Pages::paragraphs`]).
    pub paragraph: Option<usize>,
    /// Where in the templates it comes from.
    pub span: Span,
}

impl Mark {
    /// The characters, for a run of text.
    pub fn text(&self) -> Option<&str> {
        match &self.ink {
            Ink::Text { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the text belongs to the body of the page: not the running header or footer, not a
    /// footnote.
    pub fn is_body(&self) -> bool {
        !self.artifact && !self.note
    }
}

/// The text pages' margins, in points, and the safe distance from the trim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// From the trim to the text area's top.
    pub top: f64,
    /// From the text area's bottom to the trim.
    pub bottom: f64,
    /// On the binding side.
    pub inside: f64,
    /// On the outer side.
    pub outside: f64,
    /// Nothing but bleed art within this distance of the trim.
    pub safe: f64,
}

/// One laid-out page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// 0-based.
    pub index: usize,
    /// The trimmed width, in points.
    pub width: f64,
    /// The trimmed height, in points.
    pub height: f64,
    /// How far the media reach beyond the trim, in points: the bleed and the slug around it
    /// that holds the crop marks (0 on the web).
    pub outset: f64,
    /// `cover`, `back-cover`, `blank`: none for a text page.
    pub kind: Option<String>,
    /// Every mark, in paint order.
    pub marks: Vec<Mark>,
}

impl Page {
    /// The trimmed page.
    pub fn trim(&self) -> Rect {
        Rect { x0: 0.0, y0: 0.0, x1: self.width, y1: self.height }
    }

    /// A text page (not the cover, the back cover or a blank page).
    pub fn is_text(&self) -> bool {
        self.kind.is_none()
    }

    /// Whether the page is a right-hand page (odd numbers: the cover is page 1).
    pub fn is_recto(&self) -> bool {
        self.index.is_multiple_of(2)
    }

    /// The text area of a text page with `geometry`'s margins: inside margin at the left of a
    /// right-hand page, at the right of a left-hand one (`two_sided`), else at the left.
    pub fn text_area(&self, geometry: &Geometry, two_sided: bool) -> Rect {
        let (left, right) = if !two_sided || self.is_recto() {
            (geometry.inside, geometry.outside)
        } else {
            (geometry.outside, geometry.inside)
        };
        Rect { x0: left, y0: geometry.top, x1: self.width - right, y1: self.height - geometry.bottom }
    }
}

/// A footnote: the page of its marker, and of its entry.
#[derive(Debug, Clone)]
pub struct PageNote {
    /// As printed in its entry.
    pub number: String,
    /// 0-based page of the marker in the text, if found.
    pub marker: Option<usize>,
    /// 0-based page of the entry at the foot of a page.
    pub entry: usize,
    /// The named paragraph holding the marker.
    pub paragraph: Option<usize>,
}

/// The pages of a document, read for the proof.
#[derive(Debug, Clone, Default)]
pub struct Pages {
    /// Every page, in order.
    pub pages: Vec<Page>,
    /// The parts of the data marked on the pages, by name (`milan/quote`).
    pub parts: Vec<String>,
    /// The named paragraphs (`milan/3.1/2`).
    pub paragraphs: Vec<String>,
    /// Every footnote with an entry, in order.
    pub notes: Vec<PageNote>,
    /// The numbered sections' starts: name (`milan/3.1`) and 0-based page.
    pub sections: Vec<(String, usize)>,
    /// The text pages' margins, as the templates mark them.
    pub geometry: Option<Geometry>,
}

impl Pages {
    /// Reads every page of `document`.
    pub fn read(document: &PagedDocument) -> Self {
        let mut walk = Walk::default();
        for (index, page) in document.pages().iter().enumerate() {
            let size = page.frame.size();
            let outset = [page.bleed.left, page.bleed.top, page.bleed.right, page.bleed.bottom]
                .into_iter()
                .fold(Abs::zero(), Abs::max)
                .to_pt();
            walk.page = Page {
                index,
                width: size.x.to_pt(),
                height: size.y.to_pt(),
                outset,
                kind: None,
                marks: Vec::new(),
            };
            walk.frame(&page.frame, Transform::identity(), None);
            let page = std::mem::take(&mut walk.page);
            walk.out.pages.push(page);
        }
        walk.finish()
    }
}

/// An element open while walking: what its text belongs to.
enum Open {
    Artifact(Location),
    Entry(Location),
    Paragraph(Location),
}

#[derive(Default)]
struct Walk {
    page: Page,
    out: Pages,
    open: Vec<Open>,
    /// The open parts, innermost last (indices into `out.parts`).
    parts: Vec<usize>,
    /// The open paragraph's name, once its metadata is read.
    paragraph: Option<usize>,
    /// Footnote markers: location, page, paragraph.
    markers: Vec<(Location, usize, Option<usize>)>,
    /// Footnote entries: the note's location, the entry's page and its number as printed.
    entries: Vec<(Location, usize, Option<String>)>,
}

impl Walk {
    fn frame(&mut self, frame: &Frame, ts: Transform, clip: Option<Rect>) {
        for (pos, item) in frame.items() {
            let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => {
                    let inner = at.pre_concat(group.transform);
                    let clip = match &group.clip {
                        Some(curve) => {
                            let b = curve.bbox(None);
                            let r =
                                Rect::of(b.size(), inner.pre_concat(Transform::translate(b.min.x, b.min.y)));
                            // Nested clips: what both leave (an empty rectangle if nothing).
                            Some(
                                clip.map_or(r, |c| {
                                    c.intersect(&r).unwrap_or(Rect::new(c.x0, c.y0, c.x0, c.y0))
                                }),
                            )
                        }
                        None => clip,
                    };
                    self.frame(&group.frame, inner, clip);
                }
                FrameItem::Text(text) => self.text(text, at, clip),
                FrameItem::Shape(shape, span) => self.shape(shape, *span, at, clip),
                FrameItem::Image(image, size, span) => {
                    // A PDF page's own size is in points; a raster image's pixels are not: it
                    // has no size but the one it is placed at.
                    let natural = if image.format() == ImageFormat::Vector(VectorFormat::Pdf) {
                        (image.width(), image.height())
                    } else {
                        (size.x.to_pt(), size.y.to_pt())
                    };
                    self.push(Ink::Image { natural }, Rect::of(*size, at), clip, None, *span);
                }
                FrameItem::Link(..) => {}
                FrameItem::Tag(Tag::Start(content, _)) => self.start(content),
                FrameItem::Tag(Tag::End(location, ..)) => self.end(*location),
            }
        }
    }

    fn text(&mut self, text: &typst::text::TextItem, at: Transform, clip: Option<Rect>) {
        if text.text.trim().is_empty() {
            return;
        }
        let size = text.size;
        let metrics = text.font.metrics();
        let width = text.width();
        // From the capitals' height to the baseline: what must show for the text to read (an
        // accent above or a descender below may touch a box's edge).
        let cap = metrics.cap_height.at(size);
        let top = Transform::translate(Abs::zero(), -cap);
        let rect = Rect::of(Size::new(width, cap), at.pre_concat(top));
        let baseline = Point::zero().transform(at).y.to_pt();
        let bold = text.font.info().variant.weight.to_number() >= 600;
        let colour = solid(&text.fill);
        let span = text.glyphs.first().map_or(Span::detached(), |g| g.span.0);
        let ink = Ink::Text { text: text.text.to_string(), size: size.to_pt(), baseline, bold };
        self.push(ink, rect, clip, colour, span);
    }

    fn shape(&mut self, shape: &typst::visualize::Shape, span: Span, at: Transform, clip: Option<Rect>) {
        let bbox = shape.geometry.bbox(None);
        let rect = Rect::of(bbox.size(), at.pre_concat(Transform::translate(bbox.min.x, bbox.min.y)));
        if let Some(fill) = &shape.fill {
            self.push(Ink::Fill, rect, clip, solid(fill), span);
        }
        if let Some(stroke) = &shape.stroke {
            let colour = solid(&stroke.paint);
            let thickness = stroke.thickness.to_pt() * scale(at);
            let rect = match &shape.geometry {
                Shape::Line(_) => rect.grow(thickness / 2.0),
                _ => rect,
            };
            self.push(Ink::Stroke { thickness }, rect, clip, colour, span);
        }
    }

    fn push(&mut self, ink: Ink, rect: Rect, clip: Option<Rect>, colour: Option<Color>, span: Span) {
        let hidden = clip.is_some_and(|c| c.width() <= 0.0 || c.height() <= 0.0);
        let visible = match clip {
            Some(c) => rect.intersect(&c).or_else(|| {
                // A line of no width or height intersects nothing but may still show.
                (c.contains(&rect, 0.0)).then_some(rect)
            }),
            None => Some(rect),
        };
        if let (Ink::Text { text, .. }, Some(Open::Entry(_))) = (&ink, self.open.last())
            && let Some(entry) = self.entries.last_mut()
            && entry.2.is_none()
        {
            entry.2 = Some(text.clone());
        }
        let artifact = self.open.iter().any(|o| matches!(o, Open::Artifact(_)));
        let note = self.open.iter().any(|o| matches!(o, Open::Entry(_)));
        let in_paragraph = self.open.iter().any(|o| matches!(o, Open::Paragraph(_)));
        let part = if artifact || note { None } else { self.parts.last().copied() };
        let paragraph = if in_paragraph && !note && !artifact { self.paragraph } else { None };
        self.page.marks.push(Mark {
            ink,
            rect,
            visible,
            hidden,
            colour,
            artifact,
            note,
            part,
            paragraph,
            span,
        });
    }

    fn start(&mut self, content: &Content) {
        let Some(location) = content.location() else { return };
        if content.is::<ArtifactElem>() {
            self.open.push(Open::Artifact(location));
        } else if let Some(entry) = content.to_packed::<FootnoteEntry>() {
            if let Some(note) = entry.note.location() {
                self.entries.push((note, self.page.index, None));
            }
            self.open.push(Open::Entry(location));
        } else if content.is::<FootnoteElem>() {
            if !self.open.iter().any(|o| matches!(o, Open::Entry(_))) {
                self.markers.push((location, self.page.index, self.paragraph));
            }
        } else if content.is::<ParElem>() {
            if !self.open.iter().any(|o| matches!(o, Open::Paragraph(_))) {
                self.paragraph = None;
            }
            self.open.push(Open::Paragraph(location));
        } else if let Some(meta) = content.to_packed::<MetadataElem>() {
            self.metadata(content, &meta.value);
        }
    }

    fn metadata(&mut self, content: &Content, value: &Value) {
        let Some(label) = content.label() else { return };
        let label = label.resolve();
        match (label.as_str(), value) {
            (PART_LABEL, Value::Str(name)) => {
                self.out.parts.push(name.to_string());
                self.parts.push(self.out.parts.len() - 1);
            }
            (PART_END_LABEL, _) => {
                self.parts.pop();
            }
            (PAGE_LABEL, Value::Str(kind)) => self.page.kind = Some(kind.to_string()),
            (SECTION_LABEL, Value::Str(name)) => self.out.sections.push((name.to_string(), self.page.index)),
            (GEOMETRY_LABEL, Value::Dict(dict)) if self.out.geometry.is_none() => {
                let get = |key: &str| match dict.get(key) {
                    Ok(Value::Length(l)) => Some(l.abs.to_pt()),
                    _ => None,
                };
                if let (Some(top), Some(bottom), Some(inside), Some(outside), Some(safe)) =
                    (get("top"), get("bottom"), get("inside"), get("outside"), get("safe"))
                {
                    self.out.geometry = Some(Geometry { top, bottom, inside, outside, safe });
                }
            }
            (PARAGRAPH_LABEL, Value::Str(name))
                if self.open.iter().any(|o| matches!(o, Open::Paragraph(_))) =>
            {
                self.out.paragraphs.push(name.to_string());
                self.paragraph = Some(self.out.paragraphs.len() - 1);
            }
            _ => {}
        }
    }

    fn end(&mut self, location: Location) {
        let at = self.open.iter().rposition(|o| match o {
            Open::Artifact(l) | Open::Entry(l) | Open::Paragraph(l) => *l == location,
        });
        if let Some(at) = at {
            self.open.truncate(at);
            if !self.open.iter().any(|o| matches!(o, Open::Paragraph(_))) {
                self.paragraph = None;
            }
        }
    }

    fn finish(mut self) -> Pages {
        for (i, (location, entry, number)) in self.entries.iter().enumerate() {
            let marker = self.markers.iter().find(|(l, ..)| l == location);
            self.out.notes.push(PageNote {
                number: number.clone().unwrap_or_else(|| (i + 1).to_string()),
                marker: marker.map(|m| m.1),
                entry: *entry,
                paragraph: marker.and_then(|m| m.2),
            });
        }
        self.out
    }
}

/// The colour of a solid paint (a gradient or tiling has none).
fn solid(paint: &Paint) -> Option<Color> {
    match paint {
        Paint::Solid(c) => Some(c.clone()),
        _ => None,
    }
}

/// How much a transform scales lengths (the geometric mean of its axes).
fn scale(ts: Transform) -> f64 {
    (ts.sx.get() * ts.sy.get() - ts.kx.get() * ts.ky.get()).abs().sqrt()
}
