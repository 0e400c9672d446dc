//! The parts of a report: the unit of translation. A translation has a part or lacks it (and
//! the report shows the default language's); `to_translate` and `translated` name parts by
//! their ids.

use super::markdown::Section;
use super::{Text, part_hash};

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
    /// the text lacks it.
    pub fn hash_in(&self, text: &Text) -> Option<String> {
        match self {
            Self::Tagline => text.tagline.as_ref().map(part_hash),
            Self::Takeaways => text.takeaways.as_ref().map(part_hash),
            Self::Quote => text.quote.as_ref().map(part_hash),
            Self::Location => text.location.as_ref().map(part_hash),
            Self::Section(id) => text.sections.iter().find(|s| &s.id == id).map(section_hash),
        }
    }
}

/// The version of a default-language section a translation records: its title, lead and
/// prose (not its sub-sections, which are parts of their own).
pub fn section_hash(s: &Section) -> String {
    part_hash(&(&s.title, &s.lead, &s.blocks))
}

#[cfg(test)]
mod tests {
    use super::Part;

    #[test]
    fn ids_name_parts_both_ways() {
        for part in Part::FRONT.into_iter().chain([Part::Section("background".into())]) {
            assert_eq!(Part::from_id(part.id()), part);
        }
    }
}
