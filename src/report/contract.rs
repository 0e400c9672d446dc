//! The contract between Rust and the templates: [`Report`], exactly the data the templates
//! receive as `/report.json` (its shape versioned by [`SCHEMA`]), and [`protocol`], every
//! other name both sides must agree on. `templates/README.md` is the templates' side of it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::data::markdown::{Block, Inline, ids};
use crate::data::{Date, ImageFile, Quote};
use crate::diagnostics::Place;
use crate::report::output::Output;

/// The version of the JSON's shape. The templates refuse data of another version; raise it
/// with every change a template could notice (a renamed or removed field, a new role or node
/// kind), and say what changed in `templates/README.md`.
pub const SCHEMA: u32 = 5;

/// The names Rust and the templates share besides the JSON's fields: the virtual files the
/// World serves, the `sys.inputs` keys, the metadata labels the proof and the pagination read
/// back from the laid-out pages, and the template functions Rust's messages name. Renaming one
/// on either side breaks the other: `templates/README.md` lists them for designers.
pub mod protocol {
    /// The entry template of a report.
    pub const REPORT_TEMPLATE: &str = "/templates/report.typ";
    /// The entry template of a bundle (several cities in one document).
    pub const BUNDLE_TEMPLATE: &str = "/templates/bundle.typ";
    /// The entry template of a booklet's sheets.
    pub const BOOKLET_TEMPLATE: &str = "/templates/booklet.typ";
    /// The report's (or bundle's) JSON: a [`super::Report`] with its breaks.
    pub const REPORT_JSON: &str = "/report.json";
    /// The `output` of [`REPORT_JSON`] alone, what `theme.typ` reads (the same bytes for a
    /// whole batch); its path is `sys.inputs.output`.
    pub const OUTPUT_JSON: &str = "/output.json";
    /// The folder of the footnotes' texts: `/notes/<key>.json` ([`super::Note`]); its path is
    /// `sys.inputs.notes`.
    pub const NOTES_DIR: &str = "/notes/";
    /// The folder of the pictures, each prepared for the report's profile:
    /// `/images/<hash>`, named by the file's content.
    pub const IMAGES_DIR: &str = "/images/";
    /// The `sys.inputs` key naming [`OUTPUT_JSON`].
    pub const INPUT_OUTPUT: &str = "output";
    /// The `sys.inputs` key naming [`NOTES_DIR`].
    pub const INPUT_NOTES: &str = "notes";
    /// The booklet's sheets: which page goes where.
    pub const BOOKLET_JSON: &str = "/booklet.json";
    /// The print file whose pages a booklet's sheets place.
    pub const BOOKLET_PAGES: &str = "/booklet-pages.pdf";
    /// The label of the metadata that opens a part of the data (its value: the part's name,
    /// such as `tagline`, `takeaways/2`, `3.1`; see [`super::Report::origin`]).
    pub const PART_LABEL: &str = "cityreport-part";
    /// The label of the metadata that closes the innermost open part.
    pub const PART_END_LABEL: &str = "cityreport-part-end";
    /// The label of the metadata that says what kind of page it is on (`cover`, `back-cover`,
    /// `blank`); a page without one is a text page.
    pub const PAGE_LABEL: &str = "cityreport-page";
    /// The label of the metadata holding the text pages' margins (`top`, `bottom`, `inside`,
    /// `outside`) and the safe distance from the trim (`safe`).
    pub const GEOMETRY_LABEL: &str = "cityreport-geometry";
    /// The label of the metadata that names a paragraph inside it by its place: `slug/number`
    /// then the block's index path (`milan/3.1/2`, `milan/3.1/2/0` inside a list item), or
    /// `slug/number/lead`. The pagination names its breaks by these places.
    pub const PARAGRAPH_LABEL: &str = "cityreport-paragraph";
    /// The label of the metadata that marks a numbered section's start (its value: `slug/number`).
    pub const SECTION_LABEL: &str = "cityreport-section";
    /// The label of the metadata after the last page of content (`closing.typ`), which the
    /// print profile's padding counts from.
    pub const CONTENT_END_LABEL: &str = "content-end";
    /// The template function that pads a print file to a multiple of four pages.
    pub const PAD_TO_FOUR: &str = "pad-to-four";
}

/// A part and the language it is written in.
#[derive(Debug, Clone, Serialize)]
pub struct Localized<T> {
    /// The language of the text (for Typst's `lang`: hyphenation, quotes, PDF tags).
    pub lang: String,
    /// Whether it came from the default language because the report's language lacks it.
    pub fallback: bool,
    /// Whether it translates an earlier version of the default language's part (print the
    /// `outdated_note`).
    pub outdated: bool,
    /// The part itself.
    pub content: T,
}

/// Everything the templates receive for one report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The version of this shape: [`SCHEMA`].
    pub schema: u32,
    /// The city's slug.
    pub slug: String,
    /// The report's language.
    pub lang: String,
    /// The report language's region (`DE`), for Typst's quotation marks and hyphenation.
    pub region: Option<String>,
    /// The region of every site language that has one, for parts in another language.
    pub regions: BTreeMap<String, String>,
    /// The PDF's metadata.
    pub meta: Meta,
    /// The kind of file: `profile` (`web`, `print`) and `paper` (`a4`, `a5`).
    pub output: Output,
    /// The site's name and address.
    pub site: SiteOut,
    /// The city's page on the site in the report's language.
    pub page_url: String,
    /// `page_url` as a QR code (print only): rows of `1` (dark) and `0` modules, without the
    /// quiet zone.
    pub qr: Option<Vec<String>>,
    /// Every fixed string of `data/i18n/<lang>.toml` by key, placeholders filled in except
    /// `{page}` and `{pages}`, which only the template knows.
    pub strings: BTreeMap<&'static str, String>,
    /// The city's name in the report's language.
    pub city: String,
    /// The country's name in the report's language.
    pub country: String,
    /// The cover's line under the city's name.
    pub tagline: Localized<Vec<Inline>>,
    /// The photo on the cover, if the city has one.
    pub cover: Option<CoverPhoto>,
    /// The key-takeaway boxes.
    pub takeaways: Localized<Vec<Vec<Inline>>>,
    /// The mayor's pull quote.
    pub quote: Localized<Quote>,
    /// The key-figures box: population, location, mayor.
    pub figures: Vec<KeyFigure>,
    /// The networks the city belongs to (proper names).
    pub networks: Vec<String>,
    /// The numbered sections, each with its sub-sections.
    pub sections: Vec<SectionOut>,
    /// The closing note about the project (from `data/i18n`).
    pub closing: Vec<Block>,
    /// Which parts are translated.
    pub coverage: Coverage,
    /// Each footnote's text, by the key its footnote holds: served as `/notes/<key>.json`
    /// ([`Report::files`]); not in the JSON.
    #[serde(skip)]
    pub notes: Vec<Note>,
    /// The pictures the report shows (figures, the cover photo), which the typesetting stage
    /// prepares for the profile and serves at their paths; not in the JSON.
    #[serde(skip)]
    pub pictures: Vec<Picture>,
    /// Where each part came from in the data, for messages about the laid-out pages
    /// ([`crate::typeset::proof`]); not in the JSON.
    #[serde(skip)]
    pub origins: Arc<BTreeMap<String, Place>>,
}

/// A footnote's text as the templates read it from `/notes/<key>.json` when the note is laid
/// out (the footnote in the report's JSON holds only its key; see ARCHITECTURE.md).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// `<city slug>/<n>`: the n-th footnote of the report in reading order, the same in each
    /// of a city's languages. Not in the note's file, which it names.
    #[serde(skip)]
    pub key: String,
    /// The note's text.
    pub content: Vec<Inline>,
    /// The language of the part the note is in.
    pub lang: String,
    /// That language's region, if it has one.
    pub region: Option<String>,
}

/// A document's data with the breaks beside it: what `/report.json` holds.
#[derive(Serialize)]
struct WithBreaks<'a, T> {
    #[serde(flatten)]
    document: &'a T,
    /// The prose paragraphs that start on a new page, by their places (`"milan/3.3/1"`),
    /// found by typesetting (`typeset::paginate`); left out when there are none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    breaks: &'a [String],
}

impl Report {
    /// The JSON the templates receive (what `export-data` prints), with `breaks`: the places
    /// of the paragraphs that start on a new page.
    pub fn json(&self, breaks: &[String]) -> Vec<u8> {
        document_json(self, breaks)
    }

    /// Every file the report's World serves besides the templates: `/report.json` (with
    /// `breaks`), `/output.json` and each note (see [`document_files`]).
    pub fn files(&self, breaks: &[String]) -> Vec<(String, Vec<u8>)> {
        document_files(self.json(breaks), self.output, &[self])
    }
}

/// The JSON of a document's data (a [`Report`], or a bundle of reports) with `breaks` beside
/// it, the places of the paragraphs that start on a new page.
pub fn document_json(document: &impl Serialize, breaks: &[String]) -> Vec<u8> {
    // Serialising plain data structures cannot fail.
    let mut json = serde_json::to_vec_pretty(&WithBreaks { document, breaks }).expect("serialises to JSON");
    json.push(b'\n');
    json
}

/// The files of a document whose JSON (a report's or a bundle's) is `json`, made as `output`
/// of `reports`:
///
/// - at [`protocol::REPORT_JSON`], `json`;
/// - at [`protocol::OUTPUT_JSON`], `{"output": …}` alone: what `theme.typ` reads. A file apart so
///   that Typst evaluates the template modules, which all import the theme, once for all
///   reports with the same output (a module that reads a file depends on all of its bytes);
///   the breaks are not in it either: the templates pass each part its own as an argument;
/// - `<key>.json` in [`protocol::NOTES_DIR`] for each of the reports' [`Note`]s.
pub fn document_files(json: Vec<u8>, output: Output, reports: &[&Report]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (protocol::REPORT_JSON.to_string(), json),
        (protocol::OUTPUT_JSON.to_string(), sorted_json(&OutputOnly { output })),
    ];
    for note in reports.iter().flat_map(|r| &r.notes) {
        files.push((format!("{}{}.json", protocol::NOTES_DIR, note.key), sorted_json(note)));
    }
    files
}

/// `/output.json`'s object.
#[derive(Serialize)]
struct OutputOnly {
    output: Output,
}

/// `value` as JSON through `serde_json::Value`, whose objects sort their keys: the bytes of a
/// note or an output are the same whatever the field order of the Rust types.
fn sorted_json(value: &impl Serialize) -> Vec<u8> {
    // Serialising plain data structures cannot fail.
    let value = serde_json::to_value(value).expect("serialises to JSON");
    serde_json::to_vec(&value).expect("serialises to JSON")
}

impl Report {
    /// Where the part the templates name `part` is written: `tagline`, `quote`, `city`,
    /// `networks`, `takeaways/2`, `figures/mayor`, a section or a paragraph in it (`3.1`,
    /// `3.1/2/0`), a table's cell (`3.1/4/12`, at the table), the closing note (`closing/0`).
    pub fn origin(&self, part: &str) -> Option<&Place> {
        // A table's cells (`3.1/4/12`) are found at the table (`3.1/4`).
        let mut segments = part.splitn(3, '/');
        if let (Some(number), Some(block)) = (segments.next(), segments.next())
            && let Some(table) = self.origins.get(&format!("{number}/{block}"))
        {
            return Some(table);
        }
        let key = match part.split_once('/') {
            Some(("takeaways", _)) => "takeaways",
            Some(("figures", figure)) => figure,
            Some((first, _)) => first,
            None => part,
        };
        self.origins.get(key)
    }
}

/// PDF metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The PDF's title: the city and its tagline.
    pub title: String,
    /// The PDF's author: the site's publisher.
    pub author: String,
    /// The PDF's keywords: the site's and the city's name.
    pub keywords: Vec<String>,
    /// The PDF's date.
    pub date: Date,
}

/// What the report says about the site it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct SiteOut {
    /// The site's name ("Moving Cities").
    pub name: String,
    /// The site's address.
    pub url: String,
}

/// One row of the key-figures box.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    /// Which figure it is: `population`, `location` or `mayor`.
    pub name: &'static str,
    /// The figure's label, in the report's language.
    pub label: String,
    /// Its value.
    pub value: Localized<Vec<Inline>>,
}

/// What a section is, for the template: it prints each role its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Section 1: also shows the key-takeaway boxes, the quote and the key figures.
    Abstract,
    /// The "What is new" section: its items on a ground of their own.
    Update,
    /// Every other section and sub-section.
    Section,
}

impl Role {
    /// The role of the section with the id `id`.
    pub fn of(id: &str) -> Self {
        match id {
            ids::ABSTRACT => Self::Abstract,
            ids::UPDATE => Self::Update,
            _ => Self::Section,
        }
    }
}

/// A numbered section in the report.
#[derive(Debug, Clone, Serialize)]
pub struct SectionOut {
    /// The id written as `{#id}`, the same in every language.
    pub id: String,
    /// "3" or "3.1".
    pub number: String,
    /// 1 for a section, 2 for a sub-section.
    pub level: u8,
    /// What the section is: the abstract, the update, or another.
    pub role: Role,
    /// The heading's text (empty where a fixed string titles it).
    pub title: Vec<Inline>,
    /// The language of the title: the report's when a fixed string titles the section (the
    /// update section), else the section's.
    pub title_lang: String,
    /// The italic lead paragraph, if the section starts with one.
    pub lead: Option<Vec<Inline>>,
    /// The prose.
    pub blocks: Vec<Block>,
    /// The language the section is printed in.
    pub lang: String,
    /// Whether it comes from the default language, for want of a translation.
    pub fallback: bool,
    /// Whether to print the fallback note here: on every fallback section, and on a fallback
    /// sub-section unless the part just before it (its section or previous sub-section)
    /// already fell back.
    pub note: bool,
    /// Whether the section translates an earlier version of the default language's.
    pub outdated: bool,
    /// Its numbered sub-sections (level 2).
    pub subsections: Vec<SectionOut>,
}

/// Translation coverage of one report.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Coverage {
    /// The parts in the report's own language.
    pub translated: usize,
    /// All the parts of the report.
    pub total: usize,
    /// The parts taken from the default language: `tagline`, `takeaways`, `quote`,
    /// `location`, or a section number such as `3.1`.
    pub fallback: Vec<String>,
    /// The translated parts whose default-language part changed since they were translated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outdated: Vec<String>,
}

impl Coverage {
    /// `7 of 21 parts translated; from en: 2, 3, 3.1`.
    pub fn summary(&self, default: &str) -> String {
        let mut s = format!("{} of {} parts translated", self.translated, self.total);
        if !self.fallback.is_empty() {
            s.push_str(&format!("; from {default}: {}", self.fallback.join(", ")));
        }
        if !self.outdated.is_empty() {
            s.push_str(&format!("; outdated: {}", self.outdated.join(", ")));
        }
        s
    }

    /// One line per outdated part: `section 3.1 is outdated: en changed since it was translated`.
    pub fn outdated_lines(&self, default: &str) -> Vec<String> {
        self.outdated
            .iter()
            .map(|name| {
                let part = if name.starts_with(|c: char| c.is_ascii_digit()) {
                    format!("section {name}")
                } else {
                    format!("the {name}")
                };
                // "the takeaways are", "the tagline is".
                let verb = if name.ends_with('s') { "are" } else { "is" };
                format!("{part} {verb} outdated: {default} changed since it was translated")
            })
            .collect()
    }
}

/// A picture of a report as the typesetting stage prepares it.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The virtual file the templates read.
    pub path: String,
    /// The file.
    pub file: Arc<ImageFile>,
    /// The size it is printed at, in millimetres (for a cover photo, the size of the whole
    /// picture, of which the box shows a part).
    pub printed: (f64, f64),
    /// Where the data names it, for messages.
    pub origin: Place,
}

/// The cover photo as the templates receive it.
#[derive(Debug, Clone, Serialize)]
pub struct CoverPhoto {
    /// The virtual file.
    pub path: String,
    /// The box's width, in millimetres: the photo fills it, cropped to its middle.
    pub width: f64,
    /// The box's height, in millimetres.
    pub height: f64,
    /// What the photo shows, in the report's language (or the default language's).
    pub alt: String,
    /// Its credit line.
    pub credit: String,
}

#[cfg(test)]
mod tests {
    use crate::data::markdown::ids;
    use crate::report::contract::Role;

    #[test]
    fn roles_follow_the_special_ids() {
        assert_eq!(Role::of(ids::ABSTRACT), Role::Abstract);
        assert_eq!(Role::of(ids::UPDATE), Role::Update);
        assert_eq!(Role::of("reception"), Role::Section);
        assert_eq!(serde_json::to_string(&Role::Abstract).unwrap(), "\"abstract\"");
    }
}
