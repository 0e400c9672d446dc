//! Footnotes across languages: a note cited again whose first citation the report shows in
//! another language, and the key each note is served to the templates by.

use std::collections::BTreeMap;

use crate::data::City;
use crate::data::markdown::{self, Block, Inline};
use crate::report::contract::{Note, SectionOut};

/// A footnote cited again refers to its first citation; when the section of the first citation
/// is shown in another language than the section citing it again, the report lacks it. Such a
/// citation becomes the footnote itself (taken from its own language's text).
pub(super) fn place_missing_footnotes(sections: &mut [SectionOut], city: &City) {
    // Every footnote of every language, by label (labels carry their language: `fn:en:2`);
    // gathered only when a report needs it, which is rare.
    let all_notes = || {
        let mut notes: BTreeMap<String, Inline> = BTreeMap::new();
        for s in city.texts.values().flat_map(|t| &t.sections) {
            let mut s = s.clone();
            for_each_inline(&mut s.title, &mut s.lead, &mut s.blocks, &mut |i| {
                if let Inline::Footnote { label, .. } = i {
                    notes.entry(label.clone()).or_insert_with(|| i.clone());
                }
            });
        }
        notes
    };
    let mut notes: Option<BTreeMap<String, Inline>> = None;
    let mut placed = std::collections::HashSet::new();
    walk_sections(sections, &mut |i| match i {
        Inline::Footnote { label, .. } => {
            placed.insert(label.clone());
        }
        Inline::FootnoteRef { label } if !placed.contains(label) => {
            if let Some(Inline::Footnote { label, content, .. }) =
                notes.get_or_insert_with(all_notes).get(label)
            {
                placed.insert(label.clone());
                *i = Inline::Footnote {
                    label: label.clone(),
                    content: content.clone(),
                    again: true,
                    key: String::new(),
                };
            }
        }
        _ => {}
    });
}

/// Names each footnote by its place in the report (`milan/1`, `milan/2`, … in reading order):
/// the name of the file the templates read its text from. The same place gets the same name in
/// each language, so the notes themselves are the same in each language's document, and with
/// them the footnote counter Typst lays each note's number out from (see ARCHITECTURE.md).
///
/// The labels a note cited again is found by (`fn:en:2`) are scoped by the city too
/// (`milan:fn:en:2`): a bundle holds several cities' reports in one document, where a label
/// must be unique.
pub(super) fn key_footnotes(sections: &mut [SectionOut], slug: &str) {
    let mut n = 0;
    walk_sections(sections, &mut |i| match i {
        Inline::Footnote { key, label, .. } => {
            n += 1;
            *key = format!("{slug}/{n}");
            *label = format!("{slug}:{label}");
        }
        Inline::FootnoteRef { label } => *label = format!("{slug}:{label}"),
        _ => {}
    });
}

/// Calls `f` on every inline of the sections and their sub-sections, in reading order.
fn walk_sections(sections: &mut [SectionOut], f: &mut dyn FnMut(&mut Inline)) {
    for s in sections {
        for_each_inline(&mut s.title, &mut s.lead, &mut s.blocks, f);
        walk_sections(&mut s.subsections, f);
    }
}

/// Calls `f` on every inline of a section's title, lead and blocks, in reading order (into
/// emphasis, links and footnotes).
pub(super) fn for_each_inline(
    title: &mut [Inline],
    lead: &mut Option<Vec<Inline>>,
    blocks: &mut [Block],
    f: &mut dyn FnMut(&mut Inline),
) {
    fn inlines(v: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
        for i in v {
            f(i);
            match i {
                Inline::Emph { content }
                | Inline::Strong { content }
                | Inline::Link { content, .. }
                | Inline::Footnote { content, .. } => inlines(content, f),
                _ => {}
            }
        }
    }
    inlines(title, f);
    if let Some(lead) = lead {
        inlines(lead, f);
    }
    for b in blocks {
        markdown::walk_block_inlines(b, &mut |v| inlines(v, f));
    }
}

/// The text of each keyed footnote of `sections`, in reading order, in the language of the
/// section it is in (with that language's region from `regions`).
pub(super) fn notes(sections: &mut [SectionOut], regions: &BTreeMap<String, String>) -> Vec<Note> {
    let mut out = Vec::new();
    for s in sections {
        let lang = s.lang.clone();
        for_each_inline(&mut s.title, &mut s.lead, &mut s.blocks, &mut |i| {
            if let Inline::Footnote { key, content, .. } = i
                && !key.is_empty()
            {
                let region = regions.get(&lang).cloned();
                out.push(Note { key: key.clone(), content: content.clone(), lang: lang.clone(), region });
            }
        });
        out.extend(notes(&mut s.subsections, regions));
    }
    out
}
