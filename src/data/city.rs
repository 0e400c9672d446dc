//! `data/cities/<slug>/city.toml`: the facts that do not depend on the language, as written
//! and as checked (names that print nothing, years, languages).

use super::*;

/// A text that is the same in every language, or given per language.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PerLanguage {
    /// The same in every language (a proper name).
    One(String),
    /// Per language code.
    PerLang(BTreeMap<String, String>),
}

impl PerLanguage {
    /// The text in `lang`, else in `fallback`.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        self.pick(lang, fallback).0
    }

    /// The text in `lang`, else in `fallback`, and whether it is the fallback's: a text given
    /// per language but not in `lang` is printed in `fallback`'s language, marked. One text
    /// for all is in every language.
    pub fn pick<'a>(&'a self, lang: &str, fallback: &str) -> (&'a str, bool) {
        match self {
            Self::One(s) => (s, false),
            Self::PerLang(map) => match map.get(lang) {
                Some(s) => (s, false),
                None => (map.get(fallback).map(String::as_str).unwrap_or_default(), lang != fallback),
            },
        }
    }
}

/// `data/cities/<slug>/city.toml`: facts that do not depend on the language.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The city's name, per language or one for all.
    pub name: PerLanguage,
    /// The country's name, per language or one for all.
    pub country: PerLanguage,
    /// Inhabitants, as a number.
    pub population: u64,
    /// The year of `population`, printed after it when given.
    pub population_year: Option<i32>,
    /// The year the report was written ("Report from 2021").
    pub report_year: i32,
    /// The year of its update section ("updated in 2023"); a report without one has none.
    pub update_year: Option<i32>,
    /// The document date (PDF metadata), when `city.toml` gives one.
    pub date: Option<Date>,
    /// The mayor and their party.
    pub mayor: Mayor,
    /// Networks the city is a member of (proper names).
    pub networks: Vec<String>,
    /// The photo on the cover, if the city has one.
    pub cover: Option<Cover>,
    /// What `[images."<file>"]` says of each picture, by the file as written.
    pub images: BTreeMap<String, ImageFacts>,
}

/// `[cover]`: the photo on the cover.
#[derive(Debug, Clone)]
pub struct Cover {
    /// The file as written (in the city's folder or `data/images/`).
    pub image: String,
    /// What the photo shows, per language or one for all.
    pub alt: PerLanguage,
    /// Where `image` is written in `city.toml`.
    pub span: std::ops::Range<usize>,
}

/// `[images."<file>"]`: the facts of a picture that do not depend on the language.
#[derive(Debug, Clone, Default)]
pub struct ImageFacts {
    /// The credit line printed under the picture: photographer or source, and licence.
    pub credit: Option<PerLanguage>,
    /// A picture that says nothing (an ornament): it takes no alt text and no credit, and is
    /// an artifact in the PDF's tags.
    pub decorative: bool,
    /// Where the table is written in `city.toml`.
    pub span: std::ops::Range<usize>,
}

/// The mayor and their party.
#[derive(Debug, Clone)]
pub struct Mayor {
    /// The mayor's name, the same in every language.
    pub name: String,
    /// Their party, per language or one for all.
    pub party: Option<PerLanguage>,
}

/// `city.toml` as written, with the places of the values that are checked after parsing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FactsFile {
    name: Spanned<PerLanguage>,
    country: Spanned<PerLanguage>,
    population: u64,
    #[serde(default)]
    population_year: Option<Spanned<i32>>,
    report_year: Spanned<i32>,
    #[serde(default)]
    update_year: Option<Spanned<i32>>,
    #[serde(default)]
    date: Option<Spanned<toml::value::Datetime>>,
    mayor: MayorFile,
    #[serde(default)]
    networks: Vec<Spanned<String>>,
    #[serde(default)]
    cover: Option<CoverFile>,
    #[serde(default)]
    images: BTreeMap<String, Spanned<ImageFactsFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CoverFile {
    image: Spanned<String>,
    alt: Spanned<PerLanguage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImageFactsFile {
    #[serde(default)]
    credit: Option<Spanned<PerLanguage>>,
    #[serde(default)]
    decorative: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MayorFile {
    name: Spanned<String>,
    #[serde(default)]
    party: Option<Spanned<PerLanguage>>,
}

/// An error for each name in `city.toml` that prints nothing (empty, or only spaces): the
/// cover, the running header and the PDF's title would lose it.
pub(super) fn blank_facts(file: &FactsFile, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
    let blank = |s: &str| s.trim().is_empty();
    let mut places: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    for (key, value) in [
        ("name", Some(&file.name)),
        ("country", Some(&file.country)),
        ("mayor.party", file.mayor.party.as_ref()),
        ("cover.alt", file.cover.as_ref().map(|c| &c.alt)),
    ]
    .into_iter()
    .chain(file.images.values().map(|i| ("credit", i.get_ref().credit.as_ref())))
    {
        let Some(value) = value else { continue };
        match value.get_ref() {
            PerLanguage::One(s) if blank(s) => places.push((format!("`{key}`"), value.span())),
            PerLanguage::PerLang(map) => {
                for lang in map.iter().filter(|(_, s)| blank(s)).map(|(lang, _)| lang) {
                    places.push((format!("`{key}` in `{lang}`"), value.span()));
                }
            }
            PerLanguage::One(_) => {}
        }
    }
    if blank(file.mayor.name.get_ref()) {
        places.push(("`mayor.name`".into(), file.mayor.name.span()));
    }
    for network in file.networks.iter().filter(|n| blank(n.get_ref())) {
        places.push(("a network in `networks`".into(), network.span()));
    }
    places
        .into_iter()
        .map(|(what, span)| {
            Diagnostic::at(shown, text, span, format!("{what} is empty"))
                .hint("write the name; a language without its own name takes the default language's, so leave that language out instead")
        })
        .collect()
}

impl Data {
    /// Reads `city.toml` into plain facts, with the problems (errors and warnings) that do not
    /// stop it from being read.
    pub(super) fn load_facts(&self, path: &Path) -> Result<(Facts, Place, Vec<Diagnostic>), Diagnostics> {
        let shown = diagnostics::display_path(path, &self.root);
        let text = read(path, &self.root)?;
        let file: FactsFile = parse_toml(&shown, &text, 0, &text)?;
        let mut errors = self.check_languages(&file, &shown, &text);
        errors.extend(blank_facts(&file, &shown, &text));
        errors.extend(check_years(&file, &shown, &text));
        if let Some(update) = &file.update_year
            && update.get_ref() < file.report_year.get_ref()
        {
            let range = update.span();
            errors.push(Diagnostic::at(&shown, &text, range, "`update_year` is before `report_year`"));
        }
        let date = match &file.date {
            None => None,
            Some(d) => match d
                .get_ref()
                .date
                // A time of day would be dropped without a word: a date is a day.
                .filter(|_| d.get_ref().time.is_none() && d.get_ref().offset.is_none())
                .filter(|t| YEARS.contains(&i32::from(t.year)))
                .and_then(|t| Date::new(i32::from(t.year), t.month, t.day))
            {
                Some(date) => Some(date),
                None => {
                    let message = format!(
                        "`date` must be a date such as 2023-06-30, in {}–{}, without a time",
                        YEARS.start(),
                        YEARS.end()
                    );
                    let hint =
                        "the document date is a day: write it as year-month-day, e.g. `date = 2023-06-30`";
                    errors.push(Diagnostic::at(&shown, &text, d.span(), message).hint(hint));
                    None
                }
            },
        };
        let facts = Facts {
            name: file.name.into_inner(),
            country: file.country.into_inner(),
            population: file.population,
            population_year: file.population_year.map(Spanned::into_inner),
            report_year: file.report_year.into_inner(),
            update_year: file.update_year.map(Spanned::into_inner),
            date,
            mayor: Mayor {
                name: file.mayor.name.into_inner(),
                party: file.mayor.party.map(Spanned::into_inner),
            },
            networks: file.networks.into_iter().map(Spanned::into_inner).collect(),
            cover: file.cover.map(|c| Cover {
                span: c.image.span(),
                image: c.image.into_inner(),
                alt: c.alt.into_inner(),
            }),
            images: file
                .images
                .into_iter()
                .map(|(name, i)| {
                    let span = i.span();
                    let i = i.into_inner();
                    (
                        name,
                        ImageFacts {
                            credit: i.credit.map(Spanned::into_inner),
                            decorative: i.decorative,
                            span,
                        },
                    )
                })
                .collect(),
        };
        Ok((facts, Place::file(shown, text), errors))
    }

    /// The per-language names of `city.toml`: each has the default language, and languages the
    /// site does not publish are unused (a warning).
    fn check_languages(&self, file: &FactsFile, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let default = &self.site.default_language;
        let languages = &self.site.languages;
        for (what, loc) in [
            ("name", Some(&file.name)),
            ("country", Some(&file.country)),
            ("mayor.party", file.mayor.party.as_ref()),
            ("cover.alt", file.cover.as_ref().map(|c| &c.alt)),
        ]
        .into_iter()
        .chain(file.images.values().map(|i| ("credit", i.get_ref().credit.as_ref())))
        {
            let Some(PerLanguage::PerLang(map)) = loc.map(Spanned::get_ref) else { continue };
            let span = loc.map(Spanned::span).unwrap_or_default();
            if !map.contains_key(default) {
                let message = format!("`{what}` has no text in the default language `{default}`");
                errors.push(Diagnostic::at(shown, text, span.clone(), message));
            }
            let unknown: Vec<&str> =
                map.keys().filter(|l| !languages.contains(l)).map(String::as_str).collect();
            if !unknown.is_empty() {
                let message = format!(
                    "`{what}` has texts in {}, which site.toml does not publish ({}); they are not used",
                    unknown.join(", "),
                    languages.join(", ")
                );
                errors.push(Diagnostic::at(shown, text, span, message).warning());
            }
        }
        errors
    }
}

/// The years of `city.toml` lie in [`YEARS`].
fn check_years(file: &FactsFile, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let years = [
        ("report_year", Some(&file.report_year)),
        ("update_year", file.update_year.as_ref()),
        ("population_year", file.population_year.as_ref()),
    ];
    for (key, year) in years {
        let Some(year) = year else { continue };
        if !YEARS.contains(year.get_ref()) {
            let message = format!(
                "`{key}` is {}; a year must lie between {} and {}",
                year.get_ref(),
                YEARS.start(),
                YEARS.end()
            );
            errors.push(Diagnostic::at(shown, text, year.span(), message));
        }
    }
    errors
}
