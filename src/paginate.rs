//! A check of the laid-out pages: prose paragraphs that leave a single line alone at the foot
//! or the top of a page.
//!
//! Typst keeps two lines of a paragraph together on each side of a page break, but it moves a
//! line whose footnote does not fit onto the next page after that check, so the line before
//! it can be left alone at the foot of the page. The templates mark each prose paragraph with
//! a name for its place in the report (`metadata("milan/3.1/2") <cityreport-paragraph>`); a
//! paragraph found lonely here is named in the report's `breaks` and starts on the next page
//! when typeset again ([`crate::render::render_json`]).

use std::collections::BTreeMap;

use typst::foundations::{Content, Value};
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::model::{FootnoteEntry, ParElem};
use typst::pdf::ArtifactElem;
use typst_layout::PagedDocument;

/// The label of the metadata that names a paragraph (templates/prose.typ).
pub const PARAGRAPH_LABEL: &str = "cityreport-paragraph";

/// Baselines closer than this (in points) are one line: a footnote number sits a little above
/// its line.
const SAME_LINE_PT: f64 = 4.0;

/// The names of the prose paragraphs that have a single line alone on a page, in order.
pub fn lonely_paragraphs(document: &PagedDocument) -> Vec<Value> {
    let mut walk = Walk::default();
    for (page, p) in document.pages().iter().enumerate() {
        walk.frame(&p.frame, Transform::identity(), page);
    }
    walk.paragraphs.into_iter().filter(|p| p.is_lonely()).filter_map(|p| p.name).collect()
}

/// A paragraph's lines: baselines per page.
#[derive(Default)]
struct Paragraph {
    name: Option<Value>,
    baselines: BTreeMap<usize, Vec<f64>>,
}

impl Paragraph {
    fn lines(baselines: &[f64]) -> usize {
        let mut ys = baselines.to_vec();
        ys.sort_by(f64::total_cmp);
        1 + ys.windows(2).filter(|w| w[1] - w[0] > SAME_LINE_PT).count()
    }

    fn is_lonely(&self) -> bool {
        if self.baselines.len() < 2 {
            return false;
        }
        let first = self.baselines.values().next().map_or(0, |b| Self::lines(b));
        let last = self.baselines.values().next_back().map_or(0, |b| Self::lines(b));
        first < 2 || last < 2
    }
}

/// What text belongs to while walking: a paragraph, or something inside it that is not its
/// text (a footnote entry, a running header or footer).
enum Open {
    Paragraph(Location, usize),
    Other(Location),
}

#[derive(Default)]
struct Walk {
    open: Vec<Open>,
    paragraphs: Vec<Paragraph>,
}

impl Walk {
    fn frame(&mut self, frame: &Frame, ts: Transform, page: usize) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let ts = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                    self.frame(&group.frame, ts, page);
                }
                FrameItem::Text(_) => {
                    if let Some(Open::Paragraph(_, index)) = self.open.last() {
                        let y = Point::new(pos.x, pos.y).transform(ts).y.to_pt();
                        self.paragraphs[*index].baselines.entry(page).or_default().push(y);
                    }
                }
                FrameItem::Tag(Tag::Start(content, _)) => self.start(content),
                FrameItem::Tag(Tag::End(location, ..)) => {
                    if let Some(at) = self.open.iter().rposition(|o| match o {
                        Open::Paragraph(l, _) | Open::Other(l) => l == location,
                    }) {
                        self.open.truncate(at);
                    }
                }
                _ => {}
            }
        }
    }

    fn start(&mut self, content: &Content) {
        let Some(location) = content.location() else { return };
        if content.is::<ParElem>() {
            self.paragraphs.push(Paragraph::default());
            self.open.push(Open::Paragraph(location, self.paragraphs.len() - 1));
        } else if content.is::<FootnoteEntry>() || content.is::<ArtifactElem>() {
            self.open.push(Open::Other(location));
        } else if let Some(meta) = content.to_packed::<MetadataElem>()
            && content.label().is_some_and(|l| l.resolve().as_str() == PARAGRAPH_LABEL)
            && let Some(Open::Paragraph(_, index)) = self.open.last()
        {
            self.paragraphs[*index].name = Some(meta.value.clone());
        }
    }
}
