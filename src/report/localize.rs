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
use std::sync::Arc;

use crate::data::markdown::{self, Block, Inline, Section};
use crate::data::{City, Data, Date, Facts, Part, Quote, Strings, Text};
use crate::diagnostics::Place;
use crate::report::contract::{
    Coverage, KeyFigure, Localized, Meta, Report, Role, SCHEMA, SectionOut, SiteOut,
};
use crate::report::footnotes::{for_each_inline, key_footnotes, notes, place_missing_footnotes};
use crate::report::format::{fill, format_number};
use crate::report::output::{Output, Profile};
use crate::report::pictures::{cover_photo, place_figures};
use crate::report::qr::qr_rows;
use crate::report::typography;

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
    /// The part `name` (`part`, which `get` finds in a text) in the report's language if its
    /// text has it (and it is not still to be translated), else from the default language
    /// (which has every part: [`Data::load_city`] checked it); outdated if the translation
    /// records another version of the default part ([`Part::hash_in`]) than the current one.
    fn pick<T: Clone + Default + 'a>(
        &mut self,
        name: &str,
        part: &Part,
        get: impl Fn(&'a Text) -> Option<&'a T>,
    ) -> Localized<T> {
        self.coverage.total += 1;
        let id = part.id();
        let own = self.own.filter(|t| !t.to_translate.iter().any(|x| x == id));
        let base = get(self.base);
        if let Some(content) = own.and_then(&get) {
            self.coverage.translated += 1;
            let recorded = own.and_then(|t| t.translated.get(id));
            let outdated = recorded.is_some_and(|r| part.hash_in(self.base).is_some_and(|h| *r != h));
            if outdated {
                self.coverage.outdated.push(name.to_string());
            }
            return Localized {
                lang: self.lang.to_string(),
                fallback: false,
                outdated,
                content: content.clone(),
            };
        }
        self.coverage.fallback.push(name.to_string());
        Localized {
            lang: self.default.to_string(),
            fallback: true,
            outdated: false,
            content: base.cloned().unwrap_or_default(),
        }
    }
}

/// Assembles the report of `city` in `lang`, whose fixed strings are `strings`, made as
/// `output`. `date` overrides the city's document date.
///
/// The city was validated by [`Data::load_city`]: the default language has every part.
pub fn localize(
    data: &Data,
    strings: &Strings,
    city: &City,
    lang: &str,
    output: Output,
    date: Option<Date>,
) -> Report {
    let default = data.site.default_language.as_str();
    let base = &city.texts[default];
    let mut picker = Picker { lang, default, own: city.texts.get(lang), base, coverage: Coverage::default() };

    let tagline = picker.pick(Part::Tagline.id(), &Part::Tagline, |t| t.tagline.as_ref());
    let takeaways = picker.pick(Part::Takeaways.id(), &Part::Takeaways, |t| t.takeaways.as_ref());
    let quote = picker.pick(Part::Quote.id(), &Part::Quote, |t| t.quote.as_ref());
    let location = picker.pick(Part::Location.id(), &Part::Location, |t| t.location.as_ref());

    let facts = &city.facts;
    let name = facts.name.get(lang, default).to_string();
    let chrome = chrome(strings, facts, &name, &tagline);

    let mut sections = sections(&mut picker);
    place_missing_footnotes(&mut sections, city);
    key_footnotes(&mut sections, &city.slug);
    let (mut tagline, mut takeaways, mut quote, mut location) = (tagline, takeaways, quote, location);
    break_runs_in_parts(&mut sections, &mut [&mut tagline, &mut location], &mut takeaways, &mut quote);
    title_updates(&mut sections, &chrome["update_title"], lang);
    bind_words(&mut sections, &mut [&mut tagline, &mut location], &mut takeaways, &mut quote);
    let regions: BTreeMap<String, String> =
        data.strings.iter().filter_map(|(l, s)| Some((l.clone(), s.region.clone()?))).collect();
    let notes = notes(&mut sections, &regions);
    let mut pictures = place_figures(&mut sections, city, output.paper(), default);
    let cover = cover_photo(city, output.paper(), lang, default).map(|(photo, picture)| {
        pictures.insert(0, picture);
        photo
    });
    let parts = [
        (Part::Tagline.id(), tagline.lang.as_str()),
        (Part::Takeaways.id(), takeaways.lang.as_str()),
        (Part::Quote.id(), quote.lang.as_str()),
        (Part::Location.id(), location.lang.as_str()),
    ];
    let origins = Arc::new(origins(data, city, &parts, &sections, lang));

    let figures = key_figures(facts, strings, lang, default, location);

    let year = facts.update_year.unwrap_or(facts.report_year);
    let date = date.or(facts.date).unwrap_or(Date { year, month: 1, day: 1 });
    let mut keywords = data.site.keywords.clone();
    keywords.push(name.clone());
    let page_url = data.site.city_page(&city.slug, lang);

    Report {
        schema: SCHEMA,
        slug: city.slug.clone(),
        lang: lang.to_string(),
        region: strings.region.clone(),
        regions,
        meta: Meta { title: chrome["title"].clone(), author: data.site.publisher.clone(), keywords, date },
        output: output.report(),
        site: SiteOut { name: data.site.name.clone(), url: data.site.url.clone() },
        qr: (output.profile() == Profile::Print).then(|| qr_rows(&page_url)),
        page_url,
        strings: chrome,
        country: facts.country.get(lang, default).to_string(),
        city: name,
        tagline,
        cover,
        takeaways,
        quote,
        figures,
        networks: facts.networks.clone(),
        sections,
        closing: closing_note(&strings.closing, lang),
        coverage: picker.coverage,
        notes,
        pictures,
        origins,
    }
}

/// The key figures: population (with its year), location, mayor (with the party).
fn key_figures(
    facts: &Facts,
    strings: &Strings,
    lang: &str,
    default: &str,
    location: Localized<Vec<Inline>>,
) -> Vec<KeyFigure> {
    let (party, party_fallback) = facts.mayor.party.as_ref().map_or(("", false), |p| p.pick(lang, default));
    let mayor = mayor_line(&facts.mayor.name, party);
    let mut population = format_number(facts.population, &strings.number);
    if let Some(year) = facts.population_year {
        population.push_str(&format!(" ({year})"));
    }
    let plain = |s: String| Localized {
        lang: lang.to_string(),
        fallback: false,
        outdated: false,
        content: vec![Inline::Text { text: s }],
    };
    // A party named only in the default language is that language's text, marked as such.
    let mayor = if party_fallback {
        Localized { lang: default.to_string(), fallback: true, ..plain(mayor) }
    } else {
        plain(mayor)
    };
    vec![
        KeyFigure {
            name: "population",
            label: strings.get("population").to_string(),
            value: plain(population),
        },
        KeyFigure { name: "location", label: strings.get("location").to_string(), value: location },
        KeyFigure { name: "mayor", label: strings.get("mayor").to_string(), value: mayor },
    ]
}

/// The mayor and their party: `Name (Party)`; a party written in parentheses already keeps
/// them alone (`(PvdA)`), and one with parentheses inside (`Labour Party (PvdA)`) follows a
/// comma, so that no parentheses are ever nested.
fn mayor_line(name: &str, party: &str) -> String {
    let party = party.trim();
    let bare = party.strip_prefix('(').and_then(|p| p.strip_suffix(')')).filter(|p| !p.contains(['(', ')']));
    match bare {
        _ if party.is_empty() => name.to_string(),
        Some(inner) => format!("{name} ({inner})"),
        None if party.contains(['(', ')']) => format!("{name}, {party}"),
        None => format!("{name} ({party})"),
    }
}

/// The report's fixed strings, their placeholders filled with the city's name, tagline and
/// years.
fn chrome(
    strings: &Strings,
    facts: &Facts,
    name: &str,
    tagline: &Localized<Vec<Inline>>,
) -> BTreeMap<&'static str, String> {
    let tagline_text = markdown::plain_text(&tagline.content);
    let report_year = facts.report_year.to_string();
    let update_year = facts.update_year.map_or(String::new(), |y| y.to_string());
    let values = [
        ("city", name),
        ("tagline", &tagline_text),
        ("report", &report_year),
        ("updated", &update_year),
        ("year", &update_year),
    ];
    let mut chrome: BTreeMap<&'static str, String> =
        strings.text.iter().map(|(k, v)| (*k, fill(v, &values))).collect();
    // A report without an update says only when it was written.
    if facts.update_year.is_none()
        && let Some(date) = chrome.get("report_date").cloned()
    {
        chrome.insert("report_dates", date);
    }
    chrome
}

/// The closing note with its break opportunities and the no-break spaces of `lang`.
fn closing_note(closing: &[Block], lang: &str) -> Vec<Block> {
    let mut closing = closing.to_vec();
    typography::break_block_runs(&mut closing);
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
) -> BTreeMap<String, Place> {
    let mut out = BTreeMap::new();
    let at = |path: &std::path::Path, text: &Arc<str>, range: Range<usize>| Place {
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
            let range = written.span.start + t.source.start()..written.span.end + t.source.start();
            out.insert(s.number.clone(), at(&t.source.path, &t.source.text, range));
        }
        // A table, by its block (`3.1/4`): what the pages find wrong in it is shown there.
        for (i, block) in s.blocks.iter().enumerate() {
            if let Block::Table(table) = block {
                let range = table.span.start + t.source.start()..table.span.end + t.source.start();
                out.insert(format!("{}/{i}", s.number), at(&t.source.path, &t.source.text, range));
            }
        }
    }
    let Place { path, text, .. } = &city.facts_source;
    for (name, key) in
        [("city", "name"), ("population", "population"), ("mayor", "mayor"), ("networks", "networks")]
    {
        out.insert(name.to_string(), at(path, text, key_range(text, key)));
    }
    if let Some(Place { path, text, .. }) = data.strings_sources.get(lang) {
        out.insert("closing".to_string(), at(path, text, key_range(text, "closing")));
    }
    out
}

/// The line of `key` in a TOML text, as `key = …` or as the table `[key]`.
fn key_range(text: &str, key: &str) -> Range<usize> {
    let range = crate::data::key_range(text, key);
    if range.is_empty() { crate::data::key_range(text, &format!("[{key}]")) } else { range }
}

/// Break opportunities in the long runs of characters of every part ([`typography::break_runs`]),
/// the footnotes in its sections too. Before [`bind_words`]: whether a space binds depends on
/// the characters before it, which a break opportunity can set apart (a number of up to four
/// digits binds to the word after it, a longer one does not).
fn break_runs_in_parts(
    sections: &mut [SectionOut],
    parts: &mut [&mut Localized<Vec<Inline>>],
    takeaways: &mut Localized<Vec<Vec<Inline>>>,
    quote: &mut Localized<Quote>,
) {
    let mut stack: Vec<&mut SectionOut> = sections.iter_mut().collect();
    while let Some(s) = stack.pop() {
        typography::break_runs(&mut s.title);
        if let Some(lead) = &mut s.lead {
            typography::break_runs(lead);
        }
        typography::break_block_runs(&mut s.blocks);
        stack.extend(s.subsections.iter_mut());
    }
    for part in parts.iter_mut() {
        typography::break_runs(&mut part.content);
    }
    for t in &mut takeaways.content {
        typography::break_runs(t);
    }
    typography::break_runs(&mut quote.content.text);
    typography::break_runs(&mut quote.content.attribution);
}

/// The update section written without a title (`# {#update}`) titled `update_title`, in the
/// report's language `lang`.
fn title_updates(sections: &mut [SectionOut], update_title: &str, lang: &str) {
    for s in sections {
        if s.title.is_empty() && s.role == Role::Update {
            s.title = vec![Inline::Text { text: update_title.to_string() }];
            s.title_lang = lang.to_string();
        }
        title_updates(&mut s.subsections, update_title, lang);
    }
}

/// Where lines must not break ([`typography::bind`]), in every part in its own language; and
/// no heading ends with a word alone on its line.
fn bind_words(
    sections: &mut [SectionOut],
    parts: &mut [&mut Localized<Vec<Inline>>],
    takeaways: &mut Localized<Vec<Vec<Inline>>>,
    quote: &mut Localized<Quote>,
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

/// The numbered sections, in the default language's order, each in the report's language
/// where it exists (an update section written without a title is titled later:
/// [`title_updates`]).
fn sections(picker: &mut Picker<'_>) -> Vec<SectionOut> {
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
        let part =
            picker.pick(&number, &Part::Section(s.id.clone()), |t| t.sections.iter().find(|x| x.id == s.id));
        let role = Role::of(&s.id);
        let Section { title, lead, blocks, .. } = part.content;
        let out = SectionOut {
            id: s.id.clone(),
            number,
            level: s.level,
            role,
            title,
            title_lang: part.lang.clone(),
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
