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

use crate::localize::{Role, SectionOut};
use crate::markdown::Block;

/// The label of the metadata that names a paragraph (templates/prose.typ).
pub const PARAGRAPH_LABEL: &str = "cityreport-paragraph";

/// Baselines closer than this (in points) are one line: a footnote number sits a little above
/// its line.
const SAME_LINE_PT: f64 = 4.0;

/// The names of the prose paragraphs that have a single line alone on a page, in order.
pub fn lonely_paragraphs(document: &PagedDocument) -> Vec<String> {
    let mut walk = Walk::default();
    for (page, p) in document.pages().iter().enumerate() {
        walk.frame(&p.frame, Transform::identity(), page);
    }
    walk.paragraphs.into_iter().filter(|p| p.is_lonely()).filter_map(|p| p.name).collect()
}

/// A paragraph's lines: baselines per page.
#[derive(Default)]
struct Paragraph {
    name: Option<String>,
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
            && let Value::Str(name) = &meta.value
        {
            self.paragraphs[*index].name = Some(name.to_string());
        }
    }
}

/// Where to start a new page so that the paragraph named `name` (`"milan/3.1/2/0"`) leaves no
/// line alone: before the paragraph, or before what would otherwise be left alone at the foot
/// of the page — the `###` heading just before it, or, when it opens a section that has no lead,
/// the section's heading (`"milan/3.1"`). A paragraph that opens a list item or a quote counts
/// as its list or quote. `reports` are the slug and sections of each report in the document.
pub fn break_point(reports: &[(&str, &[SectionOut])], name: &str) -> String {
    let mut parts = name.split('/');
    let (Some(slug), Some(number)) = (parts.next(), parts.next()) else { return name.to_string() };
    let Ok(path) = parts.map(str::parse::<usize>).collect::<Result<Vec<_>, _>>() else {
        return name.to_string();
    };
    let section = reports
        .iter()
        .filter(|(s, _)| *s == slug)
        .flat_map(|(_, list)| sections(list))
        .find(|s| s.number == number);
    let (Some(section), Some(&block)) = (section, path.first()) else { return name.to_string() };
    // Only a paragraph that is the first thing in its list item or quote, down from the
    // section's block, takes what stands before that block with it.
    if path[1..].iter().any(|&i| i != 0) {
        return name.to_string();
    }
    if block == 0 && section.lead.is_none() && section.role != Role::Abstract {
        format!("{slug}/{number}")
    } else if block > 0 && matches!(section.blocks.get(block - 1), Some(Block::Heading { .. })) {
        format!("{slug}/{number}/{}", block - 1)
    } else {
        name.to_string()
    }
}

/// The sections and their sub-sections, in order.
fn sections(list: &[SectionOut]) -> Vec<&SectionOut> {
    list.iter().flat_map(|s| std::iter::once(s).chain(sections(&s.subsections))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Inline;

    fn section(number: &str, lead: bool, blocks: Vec<Block>) -> SectionOut {
        let text = || vec![Inline::Text { text: "x".into() }];
        SectionOut {
            id: number.replace('.', "-"),
            number: number.into(),
            level: if number.contains('.') { 2 } else { 1 },
            role: Role::Section,
            title: text(),
            title_lang: "en".into(),
            lead: lead.then(text),
            blocks,
            lang: "en".into(),
            fallback: false,
            note: false,
            outdated: false,
            subsections: Vec::new(),
        }
    }

    #[test]
    fn what_stands_before_a_broken_paragraph_goes_with_it() {
        let p = || Block::Paragraph { content: vec![Inline::Text { text: "p".into() }] };
        let h = || Block::Heading { content: vec![Inline::Text { text: "h".into() }] };
        let list = || Block::List { ordered: false, items: vec![vec![p(), p()], vec![p()]] };
        let mut two = section("2", false, vec![p(), h(), p(), list()]);
        two.subsections = vec![section("2.1", true, vec![p(), h(), list()])];
        let sections = [two];
        let at = |name: &str| break_point(&[("c", &sections)], name);
        // The first paragraph of a section without a lead: the section's heading.
        assert_eq!(at("c/2/0"), "c/2");
        // With a lead before it, the paragraph itself.
        assert_eq!(at("c/2.1/0"), "c/2.1/0");
        // After a `###` heading: the heading; also when it opens a list's first item.
        assert_eq!(at("c/2/2"), "c/2/1");
        assert_eq!(at("c/2.1/2/0/0"), "c/2.1/1");
        // Inside a list, not first: the paragraph.
        assert_eq!(at("c/2/3/0/1"), "c/2/3/0/1");
        assert_eq!(at("c/2/3/1/0"), "c/2/3/1/0");
        // Names it does not know stay as they are.
        assert_eq!(at("c/closing/0"), "c/closing/0");
        assert_eq!(at("other/2/0"), "other/2/0");
    }
}
