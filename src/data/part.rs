//! The parts of a report: the unit of translation. A translation has a part or lacks it (and
//! the report shows the default language's); `to_translate` and `translated` name parts by
//! their ids.

use super::markdown::{Block, Inline, Section, insert_block_break_points, insert_break_points};
use super::{Quote, Text, part_hash};

/// A part of a report, named in the front matter's `to_translate` and `translated` lists by
/// its [`id`](Self::id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The cover's line under the city's name (`tagline`).
    Tagline,
    /// The key-takeaway boxes (`takeaways`).
    Takeaways,
    /// The mayor's pull quote (`[quote]`).
    Quote,
    /// The key-figures box's location (`[figures] location`).
    Location,
    /// A numbered section or sub-section, by its `{#id}`: its title, lead and prose, without
    /// its sub-sections (which are parts of their own).
    Section(String),
}

impl Part {
    /// The parts written in the front matter, in the order they print.
    pub const FRONT: [Part; 4] = [Part::Tagline, Part::Takeaways, Part::Quote, Part::Location];

    /// The part an id names: a front-matter part's own name, else a section id.
    pub fn from_id(id: &str) -> Self {
        match id {
            "tagline" => Self::Tagline,
            "takeaways" => Self::Takeaways,
            "quote" => Self::Quote,
            "location" => Self::Location,
            section => Self::Section(section.to_string()),
        }
    }

    /// Its id in `to_translate` and `translated` (and its name in the coverage, for the
    /// front-matter parts).
    pub fn id(&self) -> &str {
        match self {
            Self::Tagline => "tagline",
            Self::Takeaways => "takeaways",
            Self::Quote => "quote",
            Self::Location => "location",
            Self::Section(id) => id,
        }
    }

    /// The version of this part of `text` a translation records ([`part_hash`]); `None` when
    /// the text lacks it. It is taken with the part's break opportunities (see
    /// `markdown::insert_break_points`), as the data stage converted it when it inserted them:
    /// the versions recorded since stay current.
    pub fn hash_in(&self, text: &Text) -> Option<String> {
        match self {
            Self::Tagline => text.tagline.as_deref().map(|t| part_hash(&with_breaks(t))),
            Self::Takeaways => text
                .takeaways
                .as_ref()
                .map(|t| part_hash(&t.iter().map(|i| with_breaks(i)).collect::<Vec<_>>())),
            Self::Quote => text.quote.as_ref().map(|q| {
                part_hash(&Quote { text: with_breaks(&q.text), attribution: with_breaks(&q.attribution) })
            }),
            Self::Location => text.location.as_deref().map(|t| part_hash(&with_breaks(t))),
            Self::Section(id) => text.sections.iter().find(|s| &s.id == id).map(section_hash),
        }
    }
}

/// The version of a default-language section a translation records: its title, lead and
/// prose (not its sub-sections, which are parts of their own), with their break opportunities
/// (see [`Part::hash_in`]).
pub fn section_hash(s: &Section) -> String {
    let mut blocks: Vec<Block> = s.blocks.clone();
    insert_block_break_points(&mut blocks);
    part_hash(&(&with_breaks(&s.title), &s.lead.as_deref().map(with_breaks), &blocks))
}

/// `inlines` with their break opportunities.
fn with_breaks(inlines: &[Inline]) -> Vec<Inline> {
    let mut inlines = inlines.to_vec();
    insert_break_points(&mut inlines);
    inlines
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Part;
    use crate::data::markdown::Inline;
    use crate::data::{parse_text, part_hash};

    #[test]
    fn ids_name_parts_both_ways() {
        for part in Part::FRONT.into_iter().chain([Part::Section("background".into())]) {
            assert_eq!(Part::from_id(part.id()), part);
        }
    }

    /// A version is taken with the part's break opportunities, which the report stage inserts
    /// (the data stage inserted them when the versions recorded so far were taken).
    #[test]
    fn versions_are_taken_with_break_opportunities() {
        let md = "+++\ntagline = \"See 3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b\"\n+++\n";
        let text = parse_text(Path::new("en.md"), md.into(), "en").unwrap();
        let tagline = vec![Inline::Text { text: "See 3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e\u{200B}9f1a2b".into() }];
        assert_eq!(Part::Tagline.hash_in(&text), Some(part_hash(&tagline)));
        // As the version recorded before the report stage inserted them.
        assert_eq!(Part::Tagline.hash_in(&text).as_deref(), Some("a64291a13859"));
    }
}
