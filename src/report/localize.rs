//! One city in one language: every part in that language where it exists, else in the
//! site's default language, marked as a fallback; every fixed string and number in the
//! report's language.
//!
//! The result, [`Report`], is exactly the data the templates receive (as JSON, see
//! `templates/README.md`; its shape is versioned by [`SCHEMA`]). A *part* is the unit of
//! translation: the tagline, the takeaways, the quote, the key-figure location text, and each
//! numbered section or sub-section (its title, lead and prose, without its sub-sections).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::data::markdown::{self, Block, Inline, Section, ids};
use crate::data::{City, Data, Date, Facts, NumberFormat, Quote, Strings, Text, part_hash};
use crate::report::typography;

/// The version of a default-language section a translation records: its title, lead and
/// prose (not its sub-sections, which are parts of their own).
pub fn section_hash(s: &Section) -> String {
    part_hash(&(&s.title, &s.lead, &s.blocks))
}
use crate::report::output::{Output, Profile};

/// The version of the JSON's shape. The templates refuse data of another version; raise it
/// with every change a template could notice (a renamed or removed field, a new role or node
/// kind), and say what changed in `templates/README.md`.
pub const SCHEMA: u32 = 3;

/// A part and the language it is written in.
#[derive(Debug, Clone, Serialize)]
pub struct Part<T> {
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
    pub tagline: Part<Vec<Inline>>,
    /// The key-takeaway boxes.
    pub takeaways: Part<Vec<Vec<Inline>>>,
    /// The mayor's pull quote.
    pub quote: Part<Quote>,
    /// The key-figures box: population, location, mayor.
    pub figures: Vec<Figure>,
    /// The networks the city belongs to (proper names).
    pub networks: Vec<String>,
    /// The numbered sections, each with its sub-sections.
    pub sections: Vec<SectionOut>,
    /// The closing note about the project (from `data/i18n`).
    pub closing: Vec<Block>,
    /// Which parts are translated.
    pub coverage: Coverage,
    /// The prose paragraphs that start on a new page, by the names the templates give them
    /// (`"milan/3.3/1"`), found by typesetting ([`crate::typeset::paginate`]); empty, and left out of
    /// the JSON, until then.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<String>,
    /// Where each part came from in the data, for messages about the laid-out pages
    /// ([`crate::typeset::proof`]); not in the JSON.
    #[serde(skip)]
    pub origins: Arc<BTreeMap<String, Origin>>,
}

/// Where a part of a report is written: its file, the file's text, and the part's key or
/// heading in it.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The file, as the user knows it.
    pub path: PathBuf,
    /// Its text.
    pub text: Arc<str>,
    /// Where the part is written in it.
    pub range: Range<usize>,
}

impl Report {
    /// Where the part the templates name `part` is written: `tagline`, `quote`, `city`,
    /// `networks`, `takeaways/2`, `figures/mayor`, a section or a paragraph in it (`3.1`,
    /// `3.1/2/0`), the closing note (`closing/0`).
    pub fn origin(&self, part: &str) -> Option<&Origin> {
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
pub struct Figure {
    /// Which figure it is: `population`, `location` or `mayor`.
    pub name: &'static str,
    /// The figure's label, in the report's language.
    pub label: String,
    /// Its value.
    pub value: Part<Vec<Inline>>,
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
    fn of(id: &str) -> Self {
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
                format!("{part} is outdated: {default} changed since it was translated")
            })
            .collect()
    }
}

/// Chooses each part's language and counts the coverage.
struct Picker<'a> {
    lang: &'a str,
    default: &'a str,
    /// The report language's text, if the city has one.
    own: Option<&'a Text>,
    /// The default language's text, which has every part.
    base: &'a Text,
    coverage: Coverage,
}

impl<'a> Picker<'a> {
    /// The part `name` (id `id`) in the report's language if its text has it (and it is not
    /// still to be translated), else from the default language (which has every part:
    /// [`Data::load_city`] checked it); outdated if the translation records another version of
    /// the default part (`hash`) than the current one.
    fn pick<T: Clone + Default + 'a>(
        &mut self,
        name: &str,
        id: &str,
        get: impl Fn(&'a Text) -> Option<&'a T>,
        hash: impl Fn(&T) -> String,
    ) -> Part<T> {
        self.coverage.total += 1;
        let own = self.own.filter(|t| !t.to_translate.iter().any(|x| x == id));
        let base = get(self.base);
        if let Some(content) = own.and_then(&get) {
            self.coverage.translated += 1;
            let recorded = own.and_then(|t| t.translated.get(id));
            let outdated = recorded.zip(base).is_some_and(|(r, b)| *r != hash(b));
            if outdated {
                self.coverage.outdated.push(name.to_string());
            }
            return Part { lang: self.lang.to_string(), fallback: false, outdated, content: content.clone() };
        }
        self.coverage.fallback.push(name.to_string());
        Part {
            lang: self.default.to_string(),
            fallback: true,
            outdated: false,
            content: base.cloned().unwrap_or_default(),
        }
    }
}

/// Assembles the report of `city` in `lang` made as `output`. `date` overrides the city's
/// document date.
///
/// The city was validated by [`Data::load_city`]: the default language has every part.
pub fn localize(data: &Data, city: &City, lang: &str, output: Output, date: Option<Date>) -> Report {
    let default = data.site.default_language.as_str();
    let strings = data.strings(lang);
    let base = &city.texts[default];
    let mut picker = Picker { lang, default, own: city.texts.get(lang), base, coverage: Coverage::default() };

    let tagline = picker.pick("tagline", "tagline", |t| t.tagline.as_ref(), part_hash);
    let takeaways = picker.pick("takeaways", "takeaways", |t| t.takeaways.as_ref(), part_hash);
    let quote = picker.pick("quote", "quote", |t| t.quote.as_ref(), part_hash);
    let location = picker.pick("location", "location", |t| t.location.as_ref(), part_hash);

    let facts = &city.facts;
    let name = facts.name.get(lang, default).to_string();
    let chrome = chrome(strings, facts, &name, &tagline);

    let mut sections = sections(&mut picker, &chrome["update_title"]);
    place_missing_footnotes(&mut sections, city);
    key_footnotes(&mut sections, &city.slug);
    let (mut tagline, mut takeaways, mut quote, mut location) = (tagline, takeaways, quote, location);
    bind_words(&mut sections, &mut [&mut tagline, &mut location], &mut takeaways, &mut quote);
    let parts = [
        ("tagline", tagline.lang.as_str()),
        ("takeaways", takeaways.lang.as_str()),
        ("quote", quote.lang.as_str()),
        ("location", location.lang.as_str()),
    ];
    let origins = Arc::new(origins(data, city, &parts, &sections, lang));

    let figures = key_figures(facts, strings, lang, default, location);

    let date = date.or(facts.date).unwrap_or(Date { year: facts.update_year, month: 1, day: 1 });
    let mut keywords = data.site.keywords.clone();
    keywords.push(name.clone());
    let page_url = data.site.city_page(&city.slug, lang);

    Report {
        schema: SCHEMA,
        slug: city.slug.clone(),
        lang: lang.to_string(),
        region: strings.region.clone(),
        regions: data.strings.iter().filter_map(|(l, s)| Some((l.clone(), s.region.clone()?))).collect(),
        meta: Meta { title: chrome["title"].clone(), author: data.site.publisher.clone(), keywords, date },
        output: output.report(),
        site: SiteOut { name: data.site.name.clone(), url: data.site.url.clone() },
        qr: (output.profile == Profile::Print).then(|| qr_rows(&page_url)),
        page_url,
        strings: chrome,
        country: facts.country.get(lang, default).to_string(),
        city: name,
        tagline,
        takeaways,
        quote,
        figures,
        networks: facts.networks.clone(),
        sections,
        closing: closing_note(&strings.closing, lang),
        coverage: picker.coverage,
        breaks: Vec::new(),
        origins,
    }
}

/// The key figures: population (with its year), location, mayor (with the party).
fn key_figures(
    facts: &Facts,
    strings: &Strings,
    lang: &str,
    default: &str,
    location: Part<Vec<Inline>>,
) -> Vec<Figure> {
    let mayor = match &facts.mayor.party {
        Some(p) => format!("{} ({})", facts.mayor.name, p.get(lang, default)),
        None => facts.mayor.name.clone(),
    };
    let mut population = format_number(facts.population, &strings.number);
    if let Some(year) = facts.population_year {
        population.push_str(&format!(" ({year})"));
    }
    let plain = |s: String| Part {
        lang: lang.to_string(),
        fallback: false,
        outdated: false,
        content: vec![Inline::Text { text: s }],
    };
    vec![
        Figure { name: "population", label: strings.get("population").to_string(), value: plain(population) },
        Figure { name: "location", label: strings.get("location").to_string(), value: location },
        Figure { name: "mayor", label: strings.get("mayor").to_string(), value: plain(mayor) },
    ]
}

/// The report's fixed strings, their placeholders filled with the city's name, tagline and
/// years.
fn chrome(
    strings: &Strings,
    facts: &Facts,
    name: &str,
    tagline: &Part<Vec<Inline>>,
) -> BTreeMap<&'static str, String> {
    let tagline_text = markdown::plain_text(&tagline.content);
    let (report_year, update_year) = (facts.report_year.to_string(), facts.update_year.to_string());
    let values = [
        ("city", name),
        ("tagline", &tagline_text),
        ("report", &report_year),
        ("updated", &update_year),
        ("year", &update_year),
    ];
    strings.text.iter().map(|(k, v)| (*k, fill(v, &values))).collect()
}

/// The closing note with the no-break spaces of `lang`.
fn closing_note(closing: &[Block], lang: &str) -> Vec<Block> {
    let mut closing = closing.to_vec();
    for_each_inline(&mut [], &mut None, &mut closing, &mut |i| {
        if let Inline::Text { text } = i {
            *text = typography::bind(text, lang);
        }
    });
    closing
}

/// Where each part of the report is written: the front-matter keys `parts` (each with the
/// language it is shown in), the sections, the facts of `city.toml` and the closing note.
fn origins(
    data: &Data,
    city: &City,
    parts: &[(&str, &str)],
    sections: &[SectionOut],
    lang: &str,
) -> BTreeMap<String, Origin> {
    let mut out = BTreeMap::new();
    let at = |path: &std::path::Path, text: &Arc<str>, range: Range<usize>| Origin {
        path: path.to_path_buf(),
        text: text.clone(),
        range,
    };
    for (key, part_lang) in parts {
        if let Some(t) = city.texts.get(*part_lang) {
            let range = key_range(&t.source.text, key);
            out.insert(key.to_string(), at(&t.source.path, &t.source.text, range));
        }
    }
    let mut all: Vec<&SectionOut> = Vec::new();
    let mut stack: Vec<&SectionOut> = sections.iter().rev().collect();
    while let Some(s) = stack.pop() {
        all.push(s);
        stack.extend(s.subsections.iter().rev());
    }
    for s in all {
        let Some(t) = city.texts.get(&s.lang) else { continue };
        if let Some(written) = t.sections.iter().find(|x| x.id == s.id) {
            let range = written.span.start + t.source.offset..written.span.end + t.source.offset;
            out.insert(s.number.clone(), at(&t.source.path, &t.source.text, range));
        }
    }
    let (path, text) = &city.facts_source;
    for (name, key) in
        [("city", "name"), ("population", "population"), ("mayor", "mayor"), ("networks", "networks")]
    {
        out.insert(name.to_string(), at(path, text, key_range(text, key)));
    }
    if let Some((path, text)) = data.strings_sources.get(lang) {
        out.insert("closing".to_string(), at(path, text, key_range(text, "closing")));
    }
    out
}

/// The line of `key` in a TOML text, as `key = …` or as the table `[key]`.
fn key_range(text: &str, key: &str) -> Range<usize> {
    let range = crate::data::key_range(text, key);
    if range.is_empty() { crate::data::key_range(text, &format!("[{key}]")) } else { range }
}

/// A footnote cited again refers to its first citation; when the section of the first citation
/// is shown in another language than the section citing it again, the report lacks it. Such a
/// citation becomes the footnote itself (taken from its own language's text).
fn place_missing_footnotes(sections: &mut [SectionOut], city: &City) {
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

/// Where lines must not break ([`typography::bind`]), in every part in its own language; and
/// no heading ends with a word alone on its line.
fn bind_words(
    sections: &mut [SectionOut],
    parts: &mut [&mut Part<Vec<Inline>>],
    takeaways: &mut Part<Vec<Vec<Inline>>>,
    quote: &mut Part<Quote>,
) {
    fn bind(lang: &str) -> impl FnMut(&mut Inline) + '_ {
        move |i: &mut Inline| {
            if let Inline::Text { text } = i {
                *text = typography::bind(text, lang);
            }
        }
    }
    let mut stack: Vec<&mut SectionOut> = sections.iter_mut().collect();
    while let Some(s) = stack.pop() {
        typography::bind_last_word(&mut s.title);
        for b in &mut s.blocks {
            if let Block::Heading { content } = b {
                typography::bind_last_word(content);
            }
        }
        for_each_inline(&mut s.title, &mut s.lead, &mut s.blocks, &mut bind(&s.lang.clone()));
        stack.extend(s.subsections.iter_mut());
    }
    for part in parts.iter_mut() {
        for_each_inline(&mut part.content, &mut None, &mut [], &mut bind(&part.lang.clone()));
    }
    for t in &mut takeaways.content {
        for_each_inline(t, &mut None, &mut [], &mut bind(&takeaways.lang));
    }
    for_each_inline(&mut quote.content.text, &mut None, &mut [], &mut bind(&quote.lang));
}

/// Names each footnote by its place in the report (`milan/1`, `milan/2`, … in reading order):
/// the name of the file the templates read its text from. The same place gets the same name in
/// each language, so the notes themselves are the same in each language's document, and with
/// them the footnote counter Typst lays each note's number out from (see ARCHITECTURE.md).
fn key_footnotes(sections: &mut [SectionOut], slug: &str) {
    let mut n = 0;
    walk_sections(sections, &mut |i| {
        if let Inline::Footnote { key, .. } = i {
            n += 1;
            *key = format!("{slug}/{n}");
        }
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
fn for_each_inline(
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

/// The numbered sections, in the default language's order, each in the report's language
/// where it exists; `update_title` titles an update section written without a title.
fn sections(picker: &mut Picker<'_>, update_title: &str) -> Vec<SectionOut> {
    let mut sections: Vec<SectionOut> = Vec::new();
    let (mut major, mut minor) = (0, 0);
    let mut previous_fallback = false;
    for s in &picker.base.sections {
        let number = if s.level == 1 {
            major += 1;
            minor = 0;
            major.to_string()
        } else {
            minor += 1;
            format!("{major}.{minor}")
        };
        let part = picker.pick(&number, &s.id, |t| t.sections.iter().find(|x| x.id == s.id), section_hash);
        let role = Role::of(&s.id);
        let Section { title, lead, blocks, .. } = part.content;
        let (title, title_lang) = if title.is_empty() && role == Role::Update {
            (vec![Inline::Text { text: update_title.to_string() }], picker.lang.to_string())
        } else {
            (title, part.lang.clone())
        };
        let out = SectionOut {
            id: s.id.clone(),
            number,
            level: s.level,
            role,
            title,
            title_lang,
            lead,
            blocks,
            lang: part.lang,
            fallback: part.fallback,
            outdated: part.outdated,
            note: part.fallback && (s.level == 1 || !previous_fallback),
            subsections: Vec::new(),
        };
        previous_fallback = part.fallback;
        match (s.level, sections.last_mut()) {
            (2, Some(parent)) => parent.subsections.push(out),
            _ => sections.push(out),
        }
    }
    sections
}

/// The QR code of `text` as rows of `1` (dark) and `0` (light) modules.
pub fn qr_rows(text: &str) -> Vec<String> {
    // Medium error correction; a web address is far below the largest QR code's capacity, so
    // encoding cannot fail for the addresses site.toml allows (checked there).
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M);
    let Ok(code) = code else { return Vec::new() };
    let width = code.width();
    code.to_colors()
        .chunks(width)
        .map(|row| row.iter().map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' }).collect())
        .collect()
}

/// Fills the `{name}` placeholders whose values are given; others (`{page}`) stay for the
/// template. The names were checked when the file was loaded.
/// One pass: a value that itself holds `{…}` (a tagline) is inserted as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Formats a whole number with a language's digit grouping.
pub fn format_number(n: u64, format: &NumberFormat) -> String {
    let digits = n.to_string();
    if digits.len() < format.group_min_digits {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(&format.group);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_each_languages_grouping() {
        let en = NumberFormat { group: ",".into(), group_min_digits: 4 };
        let pl = NumberFormat { group: "\u{a0}".into(), group_min_digits: 5 };
        assert_eq!(format_number(1398765, &en), "1,398,765");
        assert_eq!(format_number(2398, &en), "2,398");
        assert_eq!(format_number(999, &en), "999");
        assert_eq!(format_number(1398765, &pl), "1\u{a0}398\u{a0}765");
        assert_eq!(format_number(2398, &pl), "2398");
        assert_eq!(format_number(12398, &pl), "12\u{a0}398");
    }

    #[test]
    fn fill_replaces_the_given_placeholders_and_keeps_the_others() {
        assert_eq!(
            fill("Update: What is new in {year}?", &[("year", "2023")]),
            "Update: What is new in 2023?"
        );
        assert_eq!(fill("Page {page} of {pages}", &[("year", "2023")]), "Page {page} of {pages}");
        let values = [("city", "{tagline}"), ("tagline", "a {city} {"), ("year", "2023")];
        assert_eq!(fill("{city} – {tagline} {", &values), "{tagline} – a {city} { {");
    }

    #[test]
    fn roles_follow_the_special_ids() {
        assert_eq!(Role::of(ids::ABSTRACT), Role::Abstract);
        assert_eq!(Role::of(ids::UPDATE), Role::Update);
        assert_eq!(Role::of("reception"), Role::Section);
        assert_eq!(serde_json::to_string(&Role::Abstract).unwrap(), "\"abstract\"");
    }
}
