//! A check of the laid-out pages: prose paragraphs that leave a single line alone at the foot
//! or the top of a page, and footnotes that went to a later page than their markers.
//!
//! Typst keeps two lines of a paragraph together on each side of a page break, but it moves a
//! line whose footnote does not fit onto the next page after that check, so the line before
//! it can be left alone at the foot of the page. The templates mark each prose paragraph with
//! a name for its place in the report (`metadata("milan/3.1/2") <cityreport-paragraph>`); a
//! paragraph found lonely here is named in the report's `breaks` and starts on the next page
//! when typeset again ([`crate::typeset::render::render_json`]).

use std::collections::BTreeMap;

use crate::data::markdown::Block;
use crate::report::contract::{Role, SectionOut};
use crate::typeset::proof::page::{Ink, Pages};

/// Baselines closer than this (in points) are one line: a footnote number sits a little above
/// its line.
const SAME_LINE_PT: f64 = 4.0;

/// A paragraph whose last line is alone at the top of a page starts on that page only if at
/// most this many of its lines stood on the page before: starting a long paragraph on the next
/// page to keep one line company would leave half a page empty, which is worse.
pub const MOVE_AT_MOST: usize = 4;

/// The names of the prose paragraphs that have a single line alone on a page (its first at the
/// foot, or its last at the top when it has at most [`MOVE_AT_MOST`] lines on the page before),
/// in order.
pub fn lonely_paragraphs(pages: &Pages) -> Vec<String> {
    // Per named paragraph, its text's baselines per page.
    let mut baselines: BTreeMap<usize, BTreeMap<usize, Vec<f64>>> = BTreeMap::new();
    for page in &pages.pages {
        for m in &page.marks {
            if let (Some(p), Ink::Text { baseline, .. }) = (m.paragraph, &m.ink) {
                baselines.entry(p).or_default().entry(page.index).or_default().push(*baseline);
            }
        }
    }
    baselines.into_iter().filter(|(_, b)| is_lonely(b)).map(|(p, _)| pages.paragraphs[p].clone()).collect()
}

/// The number of lines in a paragraph's part on one page.
fn lines(baselines: &[f64]) -> usize {
    let mut ys = baselines.to_vec();
    ys.sort_by(f64::total_cmp);
    1 + ys.windows(2).filter(|w| w[1] - w[0] > SAME_LINE_PT).count()
}

fn is_lonely(baselines: &BTreeMap<usize, Vec<f64>>) -> bool {
    if baselines.len() < 2 {
        return false;
    }
    let per_page: Vec<usize> = baselines.values().map(|b| lines(b)).collect();
    let (first, last) = (per_page[0], per_page[per_page.len() - 1]);
    let before_last = per_page[per_page.len() - 2];
    first < 2 || (last < 2 && before_last <= MOVE_AT_MOST)
}

/// The places to start a new page so that each footnote prints on its marker's page: the
/// named paragraph holding a marker whose entry went to a later page. Typst moves a line of the
/// flow with its note itself, but not one inside a list item, whose paragraphs stand for the
/// item (`milan/4/5/4/1` becomes `milan/4/5/4/0`: the list continues on the next page there).
pub fn notes_on_later_pages(pages: &Pages) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for note in &pages.notes {
        let (Some(marker), Some(p)) = (note.marker, note.paragraph) else { continue };
        if note.entry == marker {
            continue;
        }
        let name = &pages.paragraphs[p];
        let mut parts: Vec<&str> = name.split('/').collect();
        // slug/section/block/item/paragraph: the item's first paragraph.
        if parts.len() >= 5 {
            let last = parts.len() - 1;
            parts[last] = "0";
        }
        let place = parts.join("/");
        if !out.contains(&place) {
            out.push(place);
        }
    }
    out
}

/// Where to start a new page so that the paragraph named `name` (`"milan/3.1/2/0"`) leaves no
/// line alone: before the paragraph, or before what would otherwise be left alone at the foot
/// of the page — the `###` heading just before it, or, when it opens a section that has no lead,
/// the section's heading (`"milan/3.1"`). A paragraph that opens a list item or a quote counts
/// as its list or quote. `reports` are the slug and sections of each report in the document.
pub fn break_point(reports: &[(&str, &[SectionOut])], name: &str) -> String {
    let mut parts = name.split('/');
    let (Some(slug), Some(number)) = (parts.next(), parts.next()) else { return name.to_string() };
    // A section's lead opens the section: the section starts on the next page.
    if name.ends_with("/lead") {
        return format!("{slug}/{number}");
    }
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
    use crate::data::markdown::Inline;

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
        // A lead: its section.
        assert_eq!(at("c/2.1/lead"), "c/2.1");
        // Names it does not know stay as they are.
        assert_eq!(at("c/closing/0"), "c/closing/0");
        assert_eq!(at("other/2/0"), "other/2/0");
    }
}
