//! One city in one language: every part in that language where it exists, else in the
//! site's default language, marked as a fallback; every fixed string and number in the
//! report's language.
//!
//! The result, [`Report`], is exactly the data the templates receive (as JSON). A *part* is
//! the unit of translation: the tagline, the takeaways, the quote, the key-figure location
//! text, and each numbered section or sub-section (its title, lead and prose, without its
//! sub-sections).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::markdown::{self, Block, Inline, Section};
use crate::model::{self, City, Data, Quote};

/// A part and the language it is written in.
#[derive(Debug, Clone, Serialize)]
pub struct Part<T> {
    /// The language of the text (for Typst's `lang`: hyphenation, quotes, PDF tags).
    pub lang: String,
    /// Whether it came from the default language because the report's language lacks it.
    pub fallback: bool,
    pub content: T,
}

/// Everything the templates receive for one report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub slug: String,
    /// The report's language.
    pub lang: String,
    pub region: Option<String>,
    /// The region of every site language that has one, for parts in another language.
    pub regions: BTreeMap<String, String>,
    pub meta: Meta,
    /// The fixed strings, already filled in.
    pub strings: Chrome,
    /// The city's name in the report's language.
    pub city: String,
    pub country: String,
    pub tagline: Part<Vec<Inline>>,
    pub takeaways: Part<Vec<Vec<Inline>>>,
    pub quote: Part<QuoteOut>,
    pub figures: Vec<Figure>,
    pub networks: Vec<String>,
    pub sections: Vec<SectionOut>,
    pub closing: Vec<Block>,
    /// Which parts are translated.
    pub coverage: Coverage,
}

/// PDF metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub keywords: Vec<String>,
    pub date: Date,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The fixed strings the templates print.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    pub cover_label: String,
    pub report_dates: String,
    pub contents: String,
    pub key_takeaways: String,
    pub key_figures: String,
    pub networks: String,
    /// "Page {page} of {pages}" with the placeholders left for the template.
    pub page: String,
    pub fallback_note: String,
    pub site_name: String,
    pub site_url: String,
}

/// The quote as the template receives it.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteOut {
    pub text: Vec<Inline>,
    pub attribution: Vec<Inline>,
}

/// One row of the key-figures box.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: Part<Vec<Inline>>,
}

/// A numbered section in the report.
#[derive(Debug, Clone, Serialize)]
pub struct SectionOut {
    pub id: String,
    /// "3" or "3.1".
    pub number: String,
    /// `abstract` (gets the takeaways, quote and key figures), `update`, or `section`.
    pub role: &'static str,
    pub title: Vec<Inline>,
    /// The language of the title: the report's when the template's fixed string titles the
    /// section (the update section), else the section's.
    pub title_lang: String,
    pub lead: Option<Vec<Inline>>,
    pub blocks: Vec<Block>,
    pub lang: String,
    pub fallback: bool,
    /// Whether to print the fallback note here: on every fallback section, and on a fallback
    /// sub-section unless the part just before it (its section or previous sub-section)
    /// already fell back.
    pub note: bool,
    pub subsections: Vec<SectionOut>,
}

/// Translation coverage of one report.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Coverage {
    pub translated: usize,
    pub total: usize,
    /// The parts taken from the default language: `tagline`, `takeaways`, `quote`,
    /// `location`, or a section number such as `3.1`.
    pub fallback: Vec<String>,
}

impl Coverage {
    /// `7 of 21 parts translated; from en: 2, 3, 3.1`.
    pub fn summary(&self, default: &str) -> String {
        let mut s = format!("{} of {} parts translated", self.translated, self.total);
        if !self.fallback.is_empty() {
            s.push_str(&format!("; from {default}: {}", self.fallback.join(", ")));
        }
        s
    }
}

/// Assembles the report of `city` in `lang`. `date` overrides the city's document date
/// (from `SOURCE_DATE_EPOCH`).
///
/// The city was validated by [`Data::load_city`]: the default language has every part.
pub fn localize(data: &Data, city: &City, lang: &str, date: Option<Date>) -> Report {
    let default = data.site.default_language.as_str();
    let strings = data.strings(lang);
    let base = &city.texts[default];
    let own = city.texts.get(lang);
    let mut coverage = Coverage { translated: 0, total: 0, fallback: Vec::new() };

    // Picks a part from the report's language, else from the default language.
    let mut pick = |name: &str, get: &dyn Fn(&model::Text) -> bool| -> (String, bool) {
        coverage.total += 1;
        if own.is_some_and(get) {
            coverage.translated += 1;
            (lang.to_string(), false)
        } else {
            // Only a translation can lack a part: the default language has them all.
            coverage.fallback.push(name.to_string());
            (default.to_string(), true)
        }
    };
    let text_of = |l: &str| -> &model::Text { city.texts.get(l).unwrap_or(base) };

    let (l, fb) = pick("tagline", &|t| t.tagline.is_some());
    let tagline = Part { content: text_of(&l).tagline.clone().unwrap_or_default(), lang: l, fallback: fb };
    let (l, fb) = pick("takeaways", &|t| t.takeaways.is_some());
    let takeaways =
        Part { content: text_of(&l).takeaways.clone().unwrap_or_default(), lang: l, fallback: fb };
    let (l, fb) = pick("quote", &|t| t.quote.is_some());
    let Quote { text, attribution } =
        text_of(&l).quote.clone().unwrap_or(Quote { text: vec![], attribution: vec![] });
    let quote = Part { content: QuoteOut { text, attribution }, lang: l, fallback: fb };
    let (l, fb) = pick("location", &|t| t.location.is_some());
    let location = Part { content: text_of(&l).location.clone().unwrap_or_default(), lang: l, fallback: fb };

    let mut sections: Vec<SectionOut> = Vec::new();
    let (mut major, mut minor) = (0, 0);
    let mut previous_fallback = false;
    for s in &base.sections {
        let number = if s.level == 1 {
            major += 1;
            minor = 0;
            major.to_string()
        } else {
            minor += 1;
            format!("{major}.{minor}")
        };
        let (l, fb) = pick(&number, &|t| t.sections.iter().any(|x| x.id == s.id));
        let chosen: &Section = text_of(&l).sections.iter().find(|x| x.id == s.id).unwrap_or(s);
        let role = match s.id.as_str() {
            "abstract" => "abstract",
            "update" => "update",
            _ => "section",
        };
        let (title, title_lang) = if chosen.title.is_empty() && role == "update" {
            let year = city.facts.update_year.to_string();
            (
                vec![Inline::Text { text: model::fill(&strings.update_title, &[("year", &year)]) }],
                lang.to_string(),
            )
        } else {
            (chosen.title.clone(), l.clone())
        };
        let out = SectionOut {
            id: s.id.clone(),
            number,
            role,
            title,
            title_lang,
            lead: chosen.lead.clone(),
            blocks: chosen.blocks.clone(),
            lang: l,
            fallback: fb,
            note: fb && (s.level == 1 || !previous_fallback),
            subsections: Vec::new(),
        };
        previous_fallback = fb;
        match (s.level, sections.last_mut()) {
            (2, Some(parent)) => parent.subsections.push(out),
            _ => sections.push(out),
        }
    }

    let name = city.facts.name.get_ref().get(lang, default).to_string();
    let mayor = match &city.facts.mayor.party {
        Some(p) => format!("{} ({})", city.facts.mayor.name, p.get_ref().get(lang, default)),
        None => city.facts.mayor.name.clone(),
    };
    let mut population = strings.number.format(city.facts.population);
    if let Some(year) = city.facts.population_year {
        population.push_str(&format!(" ({year})"));
    }
    let plain =
        |s: String| Part { lang: lang.to_string(), fallback: false, content: vec![Inline::Text { text: s }] };
    let figures = vec![
        Figure { label: strings.population.clone(), value: plain(population) },
        Figure { label: strings.location.clone(), value: location },
        Figure { label: strings.mayor.clone(), value: plain(mayor) },
    ];

    let tagline_text = markdown::plain_text(&tagline.content);
    let facts_date = city.facts.date.as_ref().and_then(|d| d.get_ref().date).map(|d| Date {
        year: i32::from(d.year),
        month: d.month,
        day: d.day,
    });
    let date = date.or(facts_date).unwrap_or(Date { year: city.facts.update_year, month: 1, day: 1 });
    let mut keywords = data.site.keywords.clone();
    keywords.push(name.clone());

    Report {
        slug: city.slug.clone(),
        lang: lang.to_string(),
        region: strings.region.clone(),
        regions: data.strings.iter().filter_map(|(l, s)| Some((l.clone(), s.region.clone()?))).collect(),
        meta: Meta {
            title: model::fill(&strings.title, &[("city", &name), ("tagline", &tagline_text)]),
            author: data.site.publisher.clone(),
            keywords,
            date,
        },
        strings: Chrome {
            cover_label: strings.cover_label.clone(),
            report_dates: model::fill(
                &strings.report_dates,
                &[
                    ("report", &city.facts.report_year.to_string()),
                    ("updated", &city.facts.update_year.to_string()),
                ],
            ),
            contents: strings.contents.clone(),
            key_takeaways: strings.key_takeaways.clone(),
            key_figures: strings.key_figures.clone(),
            networks: strings.networks.clone(),
            page: strings.page.clone(),
            fallback_note: strings.fallback_note.clone(),
            site_name: data.site.name.clone(),
            site_url: data.site.url.clone(),
        },
        country: city.facts.country.get_ref().get(lang, default).to_string(),
        city: name,
        tagline,
        takeaways,
        quote,
        figures,
        networks: city.facts.networks.clone(),
        sections,
        closing: data.closing[lang].clone(),
        coverage,
    }
}

/// A date from a Unix timestamp (for `SOURCE_DATE_EPOCH`), in UTC.
pub fn date_from_epoch(secs: i64) -> Date {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_to_date() {
        assert_eq!(date_from_epoch(0), Date { year: 1970, month: 1, day: 1 });
        assert_eq!(date_from_epoch(1_700_000_000), Date { year: 2023, month: 11, day: 14 });
        assert_eq!(date_from_epoch(951_782_400), Date { year: 2000, month: 2, day: 29 });
    }
}
