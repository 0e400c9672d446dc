//! The data stage: loading and validating `data/` (the site, the fixed strings per language,
//! and each city's facts and texts) into typed values with located errors; [`markdown`]
//! turns the prose into a document tree.
//!
//! This stage owns the data layout of the README ("Writing a city report") and
//! `docs/data-format.md`. It reads files and checks them, refusing here, with a place,
//! whatever a later stage could refuse; it decides nothing about which language a part is
//! shown in (that is [`crate::report::localize`]) and nothing about looks (the templates).
//!
//! May import: `diagnostics`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{self, Diagnostic, Diagnostics};
use markdown::{Inline, Section, SourceRef};

mod i18n;
pub mod markdown;
pub mod todo;

pub use i18n::{FIXED, Fixed, NumberFormat, Strings};

/// `data/site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The project's name, e.g. "Moving Cities".
    pub name: String,
    /// The website, e.g. "https://moving-cities.eu".
    pub url: String,
    /// Who publishes the reports (PDF author).
    pub publisher: String,
    /// The languages the site publishes, in order.
    pub languages: Vec<String>,
    /// The language every missing part falls back to.
    pub default_language: String,
    /// PDF keywords shared by every report (the city's name is added).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The address of a city's page in a language, with `{lang}` and `{slug}`, e.g.
    /// "https://moving-cities.eu/{lang}/{slug}" (printed and as a QR code on the back cover of
    /// a print file); the site's address when not given.
    #[serde(default)]
    pub city_page: Option<String>,
    /// The same for the default language, where the site has no language prefix, e.g.
    /// "https://moving-cities.eu/{slug}"; `city_page` when not given.
    #[serde(default)]
    pub city_page_default: Option<String>,
}

impl Site {
    /// The address of the page of city `slug` in `lang`.
    pub fn city_page(&self, slug: &str, lang: &str) -> String {
        let pattern = match (&self.city_page, &self.city_page_default) {
            (_, Some(default)) if lang == self.default_language => default,
            (Some(page), _) => page,
            (None, _) => return self.url.clone(),
        };
        pattern.replace("{lang}", lang).replace("{slug}", slug)
    }
}

/// A text that is the same in every language, or given per language.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Localized {
    /// The same in every language (a proper name).
    One(String),
    /// Per language code.
    PerLang(BTreeMap<String, String>),
}

impl Localized {
    /// The text in `lang`, else in `fallback`.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        match self {
            Self::One(s) => s,
            Self::PerLang(map) => {
                map.get(lang).or_else(|| map.get(fallback)).map(String::as_str).unwrap_or_default()
            }
        }
    }
}

/// `data/cities/<slug>/city.toml`: facts that do not depend on the language.
#[derive(Debug, Clone)]
pub struct Facts {
    pub name: Localized,
    pub country: Localized,
    /// Inhabitants, as a number.
    pub population: u64,
    pub population_year: Option<i32>,
    pub report_year: i32,
    pub update_year: i32,
    /// The document date (PDF metadata), when `city.toml` gives one.
    pub date: Option<Date>,
    pub mayor: Mayor,
    /// Networks the city is a member of (proper names).
    pub networks: Vec<String>,
}

/// The mayor and their party.
#[derive(Debug, Clone)]
pub struct Mayor {
    pub name: String,
    pub party: Option<Localized>,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date, if it is a day of the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let last = *days.get(usize::from(month).checked_sub(1)?)?;
        (1..=last).contains(&day).then_some(Self { year, month, day })
    }

    /// The UTC date of a Unix timestamp (as in `SOURCE_DATE_EPOCH`).
    pub fn from_unix(secs: i64) -> Self {
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
        Self { year, month, day }
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// `2023-06-30`, or a number of seconds since 1970 (UTC), as in `SOURCE_DATE_EPOCH`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let wrong =
            || format!("`{s}` is neither a date such as 2023-06-30 nor a number of seconds since 1970");
        if let Ok(secs) = s.parse::<i64>() {
            return Ok(Self::from_unix(secs));
        }
        let mut parts = s.splitn(3, '-');
        let mut next = || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else { return Err(wrong()) };
        let (year, month, day) = (
            y.parse().map_err(|_| wrong())?,
            m.parse().map_err(|_| wrong())?,
            d.parse().map_err(|_| wrong())?,
        );
        Self::new(year, month, day).ok_or_else(|| format!("{s} is not a day of the calendar"))
    }
}

/// `city.toml` as written, with the places of the values that are checked after parsing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    name: Spanned<Localized>,
    country: Spanned<Localized>,
    population: u64,
    #[serde(default)]
    population_year: Option<Spanned<i32>>,
    report_year: Spanned<i32>,
    update_year: Spanned<i32>,
    #[serde(default)]
    date: Option<Spanned<toml::value::Datetime>>,
    mayor: MayorFile,
    #[serde(default)]
    networks: Vec<Spanned<String>>,
}

/// The years a report may name: a four-digit year the PDF's date and the templates can hold,
/// and wide enough for any report of the project.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MayorFile {
    name: Spanned<String>,
    #[serde(default)]
    party: Option<Spanned<Localized>>,
}

/// The front matter of `<lang>.md` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    tagline: Option<Spanned<String>>,
    takeaways: Option<Spanned<Vec<Spanned<String>>>>,
    quote: Option<QuoteMatter>,
    figures: Option<FiguresMatter>,
    /// In a translation, written by `cityreport translate`: the parts in the file still in the
    /// default language, to be translated (they print as the default language's).
    to_translate: Option<Vec<String>>,
    /// In a translation, written by `cityreport translate`: for each translated part, the
    /// hash of the default language's part it translates ([`part_hash`]).
    translated: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteMatter {
    text: Spanned<String>,
    attribution: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FiguresMatter {
    location: Option<Spanned<String>>,
}

/// A text file's front-matter strings as written (Markdown, before conversion).
#[derive(Debug, Clone, Default)]
pub struct FrontStrings {
    pub tagline: Option<String>,
    pub takeaways: Option<Vec<String>>,
    pub quote: Option<(String, String)>,
    pub location: Option<String>,
}

/// A short hash of a part of the default language (its converted form, so a change of
/// formatting alone does not count), which a translation records as the version it translates.
pub fn part_hash<T: Serialize + ?Sized>(part: &T) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(part).unwrap_or_default();
    Sha256::digest(&json).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The mayor's quote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quote {
    pub text: Vec<Inline>,
    pub attribution: Vec<Inline>,
}

/// One `<lang>.md`, converted. Every part is optional: a translation may cover only some.
#[derive(Debug, Clone)]
pub struct Text {
    pub tagline: Option<Vec<Inline>>,
    pub takeaways: Option<Vec<Vec<Inline>>>,
    pub quote: Option<Quote>,
    pub location: Option<Vec<Inline>>,
    pub sections: Vec<Section>,
    /// The front-matter strings as written (Markdown), for `translate`.
    pub front: FrontStrings,
    /// Parts in the file still in the default language (`to_translate`).
    pub to_translate: Vec<String>,
    /// Part id → hash of the default-language part it translates (`translated`).
    pub translated: BTreeMap<String, String>,
    /// The file, for errors found later.
    pub source: SourceRef,
}

/// A city: its facts and its texts by language.
#[derive(Debug, Clone)]
pub struct City {
    pub slug: String,
    pub dir: PathBuf,
    pub facts: Facts,
    pub texts: BTreeMap<String, Text>,
    /// `city.toml` as the user knows its path, and its text (for checks of every character).
    pub facts_source: (PathBuf, Arc<str>),
    /// Problems that do not stop the reports from being made.
    pub warnings: Vec<Diagnostic>,
}

impl City {
    /// Every file of the city that was read: its path as the user knows it and its text.
    pub fn sources(&self) -> impl Iterator<Item = (&Path, &Arc<str>)> {
        std::iter::once((self.facts_source.0.as_path(), &self.facts_source.1))
            .chain(self.texts.values().map(|t| (t.source.path.as_path(), &t.source.text)))
    }
}

/// The whole `data/` folder's shared parts, plus the list of cities.
#[derive(Debug, Clone)]
pub struct Data {
    /// The project root (the folder holding `data/` and `templates/`).
    pub root: PathBuf,
    pub site: Site,
    /// The fixed strings of every site language whose file is sound.
    pub strings: BTreeMap<String, Strings>,
    /// The problems of every site language whose fixed strings cannot be used: its reports
    /// fail, the other languages' are made.
    pub broken_languages: BTreeMap<String, Diagnostics>,
    /// City slugs, sorted.
    pub cities: Vec<String>,
    /// Each sound i18n file's path as the user knows it and its text (for checks of every
    /// character).
    pub strings_sources: BTreeMap<String, (PathBuf, Arc<str>)>,
    /// `data/site.toml`'s path as the user knows it and its text (for checks of every
    /// character).
    pub site_source: (PathBuf, Arc<str>),
    /// Folders in `data/cities/` that cannot be cities (badly named, or leading outside the
    /// project), by folder name: reported as failures, the other cities are made.
    pub bad_cities: BTreeMap<String, Diagnostic>,
}

/// The largest data file cityreport reads. Milan's whole English report is 60 KB; a file
/// many times that size is a mistake (a pasted export, a wrong file), and typesetting it
/// would take minutes and gigabytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a data file: only from inside the project's `data/` folder (a symbolic link that
/// leads elsewhere is refused before anything of its target is read), at most
/// [`MAX_FILE_BYTES`], and UTF-8 (a wrong byte is reported at its place).
fn read(path: &Path, root: &Path) -> Result<Arc<str>, Diagnostic> {
    let shown = diagnostics::display_path(path, root);
    let real = inside_data(path, root)?;
    let size = fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::file(
            shown,
            format!(
                "the file is {} KB; a data file may be at most {} KB",
                size / 1024,
                MAX_FILE_BYTES / 1024
            ),
        )
        .hint("a report's text is far smaller: check that this is the file you meant, or split it"));
    }
    let bytes =
        fs::read(&real).map_err(|e| Diagnostic::file(&shown, format!("cannot read the file: {e}")))?;
    let text = utf8(&shown, bytes)?;
    let text = bare_cr_as_lf(text);
    match forbidden_char(&text) {
        Some(at) => Err(forbidden_char_error(&shown, &text, at)),
        None => Ok(text),
    }
}

/// The file's text, or where it stops being UTF-8.
fn utf8(shown: &Path, bytes: Vec<u8>) -> Result<Arc<str>, Diagnostic> {
    String::from_utf8(bytes).map(Arc::from).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        // The text up to the wrong byte is valid, so positions in the lossy text match it.
        let text: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned());
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        Diagnostic::at(
            shown,
            &text,
            at..end,
            format!("the file is not valid UTF-8: the byte 0x{byte:02X} here is not part of a character"),
        )
        .hint("save the file as UTF-8 (most editors offer it under “Save as” or “Encoding”)")
    })
}

/// Line ends written as a bare carriage return (old Mac files) read as line feeds: TOML and
/// the line numbers of messages know only `\n` and `\r\n`. The byte offsets stay the same.
fn bare_cr_as_lf(text: Arc<str>) -> Arc<str> {
    let bytes = text.as_bytes();
    let bare = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(bare) {
        return text;
    }
    let fixed: String =
        text.char_indices().map(|(i, c)| if c == '\r' && bare(i) { '\n' } else { c }).collect();
    Arc::from(fixed)
}

/// Whether `c` may not stand in a data file: control characters other than tab and line
/// ends, a byte-order mark past the start, Unicode's non-characters and the private use
/// areas. An accessible or archival PDF may not hold them (PDF/UA-1, PDF/A-2), and no font
/// of the project draws them.
pub fn is_forbidden_char(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || c == '\u{FEFF}'
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
        || matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// The byte offset of the first character of `text` that may not stand in a data file
/// (a byte-order mark at the very start is allowed).
fn forbidden_char(text: &str) -> Option<usize> {
    text.char_indices().find(|&(i, c)| is_forbidden_char(c) && !(i == 0 && c == '\u{FEFF}')).map(|(i, _)| i)
}

fn forbidden_char_error(shown: &Path, text: &Arc<str>, at: usize) -> Diagnostic {
    let c = text[at..].chars().next().unwrap_or('\0');
    let more = text[at..].chars().skip(1).filter(|&c| is_forbidden_char(c)).count();
    let more = if more > 0 { format!(" (and {more} more in this file)") } else { String::new() };
    let what = if c.is_control() {
        "a control character"
    } else if c == '\u{FEFF}' {
        "a byte-order mark inside the text"
    } else if (c as u32) & 0xFFFE == 0xFFFE || (0xFDD0..=0xFDEF).contains(&(c as u32)) {
        "a Unicode non-character"
    } else {
        "a private-use character"
    };
    Diagnostic::at(shown, text, at..at + c.len_utf8(), format!("the file holds {what} (U+{:04X}) here{more}: it cannot print in a PDF", c as u32))
        .hint("delete it; it often comes with text pasted from another program (the editor may show it as nothing at all)")
}

/// The real path of `path` if it lies inside `root/data/` (following symbolic links), else a
/// located refusal.
fn inside_data(path: &Path, root: &Path) -> Result<PathBuf, Diagnostic> {
    let shown = diagnostics::display_path(path, root);
    let real =
        path.canonicalize().map_err(|e| Diagnostic::file(&shown, format!("cannot read the file: {e}")))?;
    let data = root
        .join("data")
        .canonicalize()
        .map_err(|e| Diagnostic::file("data", format!("cannot open the data folder: {e}")))?;
    if real.starts_with(&data) {
        Ok(real)
    } else {
        Err(Diagnostic::file(shown, "this leads outside the project's data/ folder (a symbolic link?); cityreport reads data only from inside data/")
            .hint("copy the file or folder into the project instead of linking to it"))
    }
}

/// Whether `path` lies inside `root/data/` (following symbolic links): for files a template or
/// the inputs hash may read.
pub fn is_inside_data(path: &Path, root: &Path) -> bool {
    inside_data(path, root).is_ok()
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    shown: &Path,
    text: &Arc<str>,
    offset: usize,
    toml_text: &str,
) -> Result<T, Diagnostic> {
    toml::from_str(toml_text).map_err(|e| diagnostics::from_toml(shown, text, offset, &e))
}

impl Data {
    /// Loads `root/data/site.toml`, every `data/i18n/<lang>.toml` of the site's languages, and
    /// lists `data/cities/*`.
    pub fn load(root: &Path) -> Result<Self, Diagnostics> {
        let data_dir = root.join("data");
        let site_path = data_dir.join("site.toml");
        let shown = diagnostics::display_path(&site_path, root);
        let text = read(&site_path, root).map_err(|d| {
            d.hint(
                "run cityreport in the project folder (the one holding data/ and templates/), or pass --root",
            )
        })?;
        let site: Site = parse_toml(&shown, &text, 0, &text)?;
        let mut errors = Vec::new();
        let whole = 0..text.len();
        if site.languages.is_empty() {
            errors.push(Diagnostic::at(&shown, &text, whole.clone(), "`languages` is empty"));
        }
        if !site.languages.contains(&site.default_language) {
            errors.push(Diagnostic::at(
                &shown,
                &text,
                find(&text, "default_language"),
                format!(
                    "the default language `{}` is not one of `languages` ({})",
                    site.default_language,
                    site.languages.join(", ")
                ),
            ));
        }
        for (key, pattern) in [("city_page", &site.city_page), ("city_page_default", &site.city_page_default)]
        {
            let Some(pattern) = pattern else { continue };
            let rest = pattern.replace("{lang}", "").replace("{slug}", "");
            if rest.contains('{') || rest.contains('}') || !pattern.contains("{slug}") {
                let message =
                    format!("`{key}` must hold `{{slug}}` and may hold `{{lang}}`, no other placeholder");
                errors.push(Diagnostic::at(&shown, &text, find(&text, key), message));
            }
            if !(pattern.starts_with("https://") || pattern.starts_with("http://")) {
                let message = format!("`{key}` must be a web address (https://…)");
                errors.push(Diagnostic::at(&shown, &text, find(&text, key), message));
            }
        }
        let mut seen = BTreeSet::new();
        for lang in &site.languages {
            if !is_lang_code(lang) {
                errors.push(
                    Diagnostic::at(
                        &shown,
                        &text,
                        find_in_value(&text, "languages", lang),
                        format!("`{lang}` is not a language code"),
                    )
                    .hint("use a lower-case ISO 639-1 code such as `de`"),
                );
            }
            if !seen.insert(lang) {
                errors.push(Diagnostic::at(
                    &shown,
                    &text,
                    find(&text, "languages"),
                    format!("`{lang}` is listed twice"),
                ));
            }
        }

        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }

        // Each language on its own: a broken i18n file fails that language's reports only.
        let mut strings = BTreeMap::new();
        let mut strings_sources = BTreeMap::new();
        let mut broken_languages = BTreeMap::new();
        for lang in &site.languages {
            let path = data_dir.join("i18n").join(format!("{lang}.toml"));
            let shown_i18n = diagnostics::display_path(&path, root);
            let parsed = read(&path, root)
                .map_err(|d| {
                    vec![d.hint(format!(
                        "every language in site.toml needs its fixed strings; copy data/i18n/{}.toml and translate it",
                        site.default_language
                    ))]
                })
                .and_then(|text| Strings::parse(&shown_i18n, &text).map(|s| (s, text)));
            match parsed {
                Ok((s, text)) => {
                    strings.insert(lang.clone(), s);
                    strings_sources.insert(lang.clone(), (shown_i18n, text));
                }
                Err(d) => {
                    broken_languages.insert(lang.clone(), Diagnostics(d));
                }
            }
        }

        // Each city folder on its own: a bad one is reported, the others are made.
        let cities_dir = data_dir.join("cities");
        let mut cities = Vec::new();
        let mut bad_cities = BTreeMap::new();
        let entries = fs::read_dir(&cities_dir).map_err(|e| {
            Diagnostic::file(
                diagnostics::display_path(&cities_dir, root),
                format!("cannot list the cities: {e}"),
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let shown = diagnostics::display_path(&path, root);
            if !is_slug(&name) {
                let d = Diagnostic::file(
                    shown,
                    "a city folder name must be a slug: lower-case letters, digits and hyphens",
                )
                .hint("it becomes the PDF's file name, e.g. `milan-en.pdf`; rename the folder");
                bad_cities.insert(name, d);
            } else if let Err(d) = inside_data(&path, root) {
                bad_cities.insert(name, d);
            } else {
                cities.push(name);
            }
        }
        cities.sort();
        Ok(Self {
            root: root.to_path_buf(),
            site,
            strings,
            strings_sources,
            site_source: (shown, text),
            broken_languages,
            cities,
            bad_cities,
        })
    }

    /// The fixed strings of a site language whose i18n file is sound (see
    /// [`Self::broken_languages`]).
    ///
    /// # Panics
    /// For a language that is not a site language or whose file is broken: callers check first.
    pub fn strings(&self, lang: &str) -> &Strings {
        &self.strings[lang]
    }

    /// Loads and validates one city: `city.toml` and every `<lang>.md` in its folder.
    pub fn load_city(&self, slug: &str) -> Result<City, Diagnostics> {
        let dir = self.root.join("data").join("cities").join(slug);
        let (facts, facts_source, mut errors) = self.load_facts(&dir.join("city.toml"))?;
        let default = &self.site.default_language;

        let mut texts = BTreeMap::new();
        let entries = fs::read_dir(&dir).map_err(|e| {
            Diagnostic::file(
                diagnostics::display_path(&dir, &self.root),
                format!("cannot list the folder: {e}"),
            )
        })?;
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let Some(file) = path.file_name().and_then(|f| f.to_str()) else { continue };
            if file == "city.toml" || file.starts_with('.') {
                continue;
            }
            let Some(lang) = file.strip_suffix(".md") else {
                errors.push(
                    Diagnostic::file(
                        diagnostics::display_path(&path, &self.root),
                        "unexpected file in a city folder",
                    )
                    .hint("a city folder holds city.toml and one <lang>.md per language")
                    .warning(),
                );
                continue;
            };
            if !self.site.languages.iter().any(|l| l == lang) {
                errors.push(Diagnostic::file(diagnostics::display_path(&path, &self.root), format!("`{lang}` is not a language of site.toml ({})", self.site.languages.join(", "))).hint("name the file after a site language, e.g. de.md, or add the language to data/site.toml"));
                continue;
            }
            match self.load_text(&path, lang) {
                Ok(t) => {
                    texts.insert(lang.to_string(), t);
                }
                Err(d) => errors.extend(d.0),
            }
        }

        match texts.get(default) {
            // A default-language file that exists but is broken has been reported already.
            None if !dir.join(format!("{default}.md")).exists() => {
                errors.push(Diagnostic::file(diagnostics::display_path(&dir, &self.root), format!("the city has no text in the default language: `{default}.md` is missing")).hint("every city needs a complete report in the default language; the other languages fall back to it"));
            }
            Some(t) => errors.extend(check_complete(t)),
            None => {}
        }
        // A translation may hold only sections the default language has, at the same level.
        if let Some(base) = texts.get(default) {
            for (lang, t) in &texts {
                // `to_translate` and `translated` name parts of the default language's text.
                let known = |id: &String| {
                    ["tagline", "takeaways", "quote", "location"].contains(&id.as_str())
                        || base.sections.iter().any(|s| &s.id == id)
                };
                let unknown: Vec<&String> =
                    t.to_translate.iter().chain(t.translated.keys()).filter(|id| !known(id)).collect();
                if lang == default && (!t.to_translate.is_empty() || !t.translated.is_empty()) {
                    errors.push(
                        Diagnostic::at(&t.source.path, &t.source.text, 0..3, "`to_translate` and `translated` belong in translations, not in the default language's text")
                            .hint("delete them here; `cityreport translate` writes them in the translations")
                            .warning(),
                    );
                } else if !unknown.is_empty() {
                    let list = unknown.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
                    errors.push(
                        Diagnostic::at(&t.source.path, &t.source.text, 0..3, format!("`to_translate` or `translated` names {list}, which {default}.md does not have"))
                            .hint("run `cityreport translate` again to bring the lists up to date")
                            .warning(),
                    );
                }
                if lang == default {
                    continue;
                }
                for s in &t.sections {
                    match base.sections.iter().find(|b| b.id == s.id) {
                        None => errors.push(
                            t.source
                                .error(
                                    s.span.clone(),
                                    format!("the section id `{}` is not in {default}.md", s.id),
                                )
                                .hint(format!(
                                    "a translation uses the ids of {default}.md: {}",
                                    base.sections
                                        .iter()
                                        .map(|b| b.id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                        ),
                        Some(b) if b.level != s.level => errors.push(t.source.error(
                            s.span.clone(),
                            format!(
                                "`{}` is a level-{} heading in {default}.md; write it with {} here",
                                s.id,
                                b.level,
                                "#".repeat(b.level as usize)
                            ),
                        )),
                        _ => {}
                    }
                }
            }
        }

        if errors.iter().any(|d| !d.warning) {
            Err(Diagnostics(errors))
        } else {
            Ok(City { slug: slug.to_string(), dir, facts, texts, facts_source, warnings: errors })
        }
    }

    /// Reads `city.toml` into plain facts, with the problems (errors and warnings) that do not
    /// stop it from being read.
    #[allow(clippy::type_complexity)]
    fn load_facts(&self, path: &Path) -> Result<(Facts, (PathBuf, Arc<str>), Vec<Diagnostic>), Diagnostics> {
        let shown = diagnostics::display_path(path, &self.root);
        let text = read(path, &self.root)?;
        let file: FactsFile = parse_toml(&shown, &text, 0, &text)?;
        let mut errors = Vec::new();
        let default = &self.site.default_language;
        let languages = &self.site.languages;
        for (what, loc) in [
            ("name", Some(&file.name)),
            ("country", Some(&file.country)),
            ("mayor.party", file.mayor.party.as_ref()),
        ] {
            let Some(Localized::PerLang(map)) = loc.map(Spanned::get_ref) else { continue };
            let span = loc.map(Spanned::span).unwrap_or_default();
            if !map.contains_key(default) {
                let message = format!("`{what}` has no text in the default language `{default}`");
                errors.push(Diagnostic::at(&shown, &text, span.clone(), message));
            }
            let unknown: Vec<&str> =
                map.keys().filter(|l| !languages.contains(l)).map(String::as_str).collect();
            if !unknown.is_empty() {
                let message = format!(
                    "`{what}` has texts in {}, which site.toml does not publish ({}); they are not used",
                    unknown.join(", "),
                    languages.join(", ")
                );
                errors.push(Diagnostic::at(&shown, &text, span, message).warning());
            }
        }
        errors.extend(blank_facts(&file, &shown, &text));
        let years = [
            ("report_year", Some(&file.report_year)),
            ("update_year", Some(&file.update_year)),
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
                errors.push(Diagnostic::at(&shown, &text, year.span(), message));
            }
        }
        if file.update_year.get_ref() < file.report_year.get_ref() {
            let range = file.update_year.span();
            errors.push(Diagnostic::at(&shown, &text, range, "`update_year` is before `report_year`"));
        }
        let date = match &file.date {
            None => None,
            Some(d) => match d
                .get_ref()
                .date
                .filter(|t| YEARS.contains(&i32::from(t.year)))
                .and_then(|t| Date::new(i32::from(t.year), t.month, t.day))
            {
                Some(date) => Some(date),
                None => {
                    let message = format!(
                        "`date` must be a date such as 2023-06-30, in {}–{}",
                        YEARS.start(),
                        YEARS.end()
                    );
                    errors.push(Diagnostic::at(&shown, &text, d.span(), message));
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
            update_year: file.update_year.into_inner(),
            date,
            mayor: Mayor {
                name: file.mayor.name.into_inner(),
                party: file.mayor.party.map(Spanned::into_inner),
            },
            networks: file.networks.into_iter().map(Spanned::into_inner).collect(),
        };
        Ok((facts, (shown, text), errors))
    }

    fn load_text(&self, path: &Path, lang: &str) -> Result<Text, Diagnostics> {
        let shown = diagnostics::display_path(path, &self.root);
        let text = read(path, &self.root)?;
        parse_text(&shown, text, lang)
    }
}

/// Parses one `<lang>.md` (front matter and Markdown body) whose text is `text` and whose path,
/// as the user knows it, is `shown`. Pure: no files are read (the fuzz targets call it).
pub fn parse_text(shown: &Path, text: Arc<str>, lang: &str) -> Result<Text, Diagnostics> {
    let shown = shown.to_path_buf();
    let first_line = 0..text.find('\n').unwrap_or(text.len());
    let (fm_range, body_start) = split_front_matter(&text).ok_or_else(|| {
        if opens_front_matter(&text) {
            Diagnostic::at(&shown, &text, first_line, "the front matter that starts here has no closing `+++` line")
                .hint("end the TOML fields with a line `+++` of its own, before the Markdown body")
        } else {
            Diagnostic::at(&shown, &text, first_line, "the file does not start with a `+++` front matter block")
                .hint("start with a line `+++`, the TOML fields (tagline, takeaways, quote, figures), another `+++`, then the Markdown body; the block may be empty")
        }
    })?;
    let fm: FrontMatter = parse_toml(&shown, &text, fm_range.start, &text[fm_range.clone()])?;
    let mut errors = Vec::new();
    let mut inline = |s: &Spanned<String>| -> Option<Vec<Inline>> {
        let src =
            SourceRef { path: shown.clone(), text: text.clone(), offset: fm_range.start + s.span().start };
        let value = s.get_ref();
        if value.trim().is_empty() {
            errors.push(
                src.error(0..1, "this field is empty")
                    .hint("delete the field to fall back to the default language, or write the text"),
            );
            return None;
        }
        match markdown::convert_inline(&src, value) {
            Ok(v) => Some(v),
            Err(d) => {
                // The errors are at positions in the string's value; map them back to the
                // file through the string's quotes and escapes (or point at the string).
                let raw = text.get(src.offset..(fm_range.start + s.span().end).min(text.len())).unwrap_or("");
                let map = toml_string_offsets(raw, value);
                let at = |i: usize| map.as_ref().and_then(|m| m.get(i.checked_sub(src.offset)?).copied());
                errors.extend(d.0.into_iter().map(|mut e| {
                    e.range = match (at(e.range.start), at(e.range.end)) {
                        (Some(a), Some(b)) => src.offset + a..src.offset + b.max(a),
                        _ => src.offset..src.offset + 1,
                    };
                    e
                }));
                None
            }
        }
    };
    let tagline = fm.tagline.as_ref().and_then(&mut inline);
    let takeaways =
        fm.takeaways.as_ref().map(|v| v.get_ref().iter().filter_map(&mut inline).collect::<Vec<_>>());
    // Both halves are converted, so a mistake in each is reported in the same run.
    let quote = fm.quote.as_ref().and_then(|q| {
        let (text, attribution) = (inline(&q.text), inline(&q.attribution));
        Some(Quote { text: text?, attribution: attribution? })
    });
    let location = fm.figures.as_ref().and_then(|f| f.location.as_ref()).and_then(&mut inline);
    let source = SourceRef { path: shown.clone(), text: text.clone(), offset: body_start };
    let sections = match markdown::convert_body(&source, &text[body_start..], &format!("fn:{lang}:")) {
        Ok(s) => s,
        Err(d) => {
            errors.extend(d.0);
            Vec::new()
        }
    };
    if let Some(t) = &fm.takeaways
        && t.get_ref().is_empty()
    {
        let span = fm_range.start + t.span().start..fm_range.start + t.span().end;
        errors.push(
            Diagnostic::at(&shown, &text, span, "`takeaways` is empty").hint(
                "write at least one takeaway, or delete the field to fall back to the default language",
            ),
        );
    }
    let front = FrontStrings {
        tagline: fm.tagline.as_ref().map(|s| s.get_ref().clone()),
        takeaways: fm.takeaways.as_ref().map(|v| v.get_ref().iter().map(|s| s.get_ref().clone()).collect()),
        quote: fm.quote.as_ref().map(|q| (q.text.get_ref().clone(), q.attribution.get_ref().clone())),
        location: fm.figures.as_ref().and_then(|f| f.location.as_ref()).map(|s| s.get_ref().clone()),
    };
    let (to_translate, translated) = (fm.to_translate.unwrap_or_default(), fm.translated.unwrap_or_default());
    if errors.is_empty() {
        Ok(Text { tagline, takeaways, quote, location, sections, source, front, to_translate, translated })
    } else {
        Err(Diagnostics(errors))
    }
}

/// For a TOML string token `raw` (with its quotes) whose value is `value`: the byte offset in
/// `raw` of each byte offset in `value` (and of its end). `None` if the token is not understood.
fn toml_string_offsets(raw: &str, value: &str) -> Option<Vec<usize>> {
    let (quote, multi) = if raw.starts_with("\"\"\"") {
        ('"', true)
    } else if raw.starts_with("'''") {
        ('\'', true)
    } else {
        (raw.chars().next()?, false)
    };
    let mut i = if multi { 3 } else { 1 };
    // A newline right after the opening quotes is not part of the value.
    if multi {
        if raw[i..].starts_with("\r\n") {
            i += 2;
        } else if raw[i..].starts_with('\n') {
            i += 1;
        }
    }
    let mut map = Vec::with_capacity(value.len() + 1);
    let mut out = String::with_capacity(value.len());
    while out.len() < value.len() {
        let start = i;
        let c = raw.get(i..)?.chars().next()?;
        if quote == '"' && c == '\\' {
            let e = raw.get(i + 1..)?.chars().next()?;
            let hex = |from: usize, n: usize| {
                raw.get(i + from..i + from + n)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
            };
            let (decoded, len) = match e {
                'b' => ('\u{8}', 2),
                't' => ('\t', 2),
                'n' => ('\n', 2),
                'f' => ('\u{c}', 2),
                'r' => ('\r', 2),
                'e' => ('\u{1b}', 2),
                '"' => ('"', 2),
                '\\' => ('\\', 2),
                'x' => (hex(2, 2)?, 4),
                'u' => (hex(2, 4)?, 6),
                'U' => (hex(2, 8)?, 10),
                _ if multi && e.is_whitespace() => {
                    // A line-ending backslash: the newline and the whitespace after it vanish.
                    i += 1;
                    while let Some(w) = raw.get(i..)?.chars().next().filter(|w| w.is_whitespace()) {
                        i += w.len_utf8();
                    }
                    continue;
                }
                _ => return None,
            };
            map.extend(std::iter::repeat_n(start, decoded.len_utf8()));
            out.push(decoded);
            i += len;
        } else {
            if c == quote && !multi {
                return None;
            }
            map.extend(std::iter::repeat_n(start, c.len_utf8()));
            out.push(c);
            i += c.len_utf8();
        }
    }
    map.push(i);
    (out == value).then_some(map)
}

/// The default language's text must have every part.
fn check_complete(t: &Text) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let top = 0..t.source.offset.min(3);
    let whole = |m: &str| Diagnostic::at(&t.source.path, &t.source.text, top.clone(), m.to_string());
    if t.tagline.is_none() {
        errors.push(whole("the default language must have a `tagline` in the front matter"));
    }
    if t.takeaways.is_none() {
        errors.push(whole("the default language must have `takeaways` in the front matter"));
    }
    if t.quote.is_none() {
        errors.push(whole(
            "the default language must have a `[quote]` with `text` and `attribution` in the front matter",
        ));
    }
    if t.location.is_none() {
        errors.push(whole("the default language must have `[figures]` `location` in the front matter"));
    }
    if t.sections.is_empty() {
        errors.push(whole("the default language has no sections").hint("write the report body under numbered headings such as `# Local background and context {#background}`"));
    }
    if !t.sections.is_empty() && !t.sections.iter().any(|s| s.id == markdown::ids::ABSTRACT) {
        errors.push(whole("the default language has no section with the id `abstract`").hint(
            "the section `# Abstract and Takeaways {#abstract}` is where the takeaways, the quote and the key figures are printed",
        ));
    }
    if let Some(first) = t.sections.first()
        && first.level != 1
    {
        errors.push(t.source.error(
            first.span.clone(),
            "the first numbered heading must be a section (`#`), not a sub-section (`##`)",
        ));
    }
    errors
}

/// An error for each name in `city.toml` that prints nothing (empty, or only spaces): the
/// cover, the running header and the PDF's title would lose it.
fn blank_facts(file: &FactsFile, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
    let blank = |s: &str| s.trim().is_empty();
    let mut places: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    for (key, value) in [
        ("name", Some(&file.name)),
        ("country", Some(&file.country)),
        ("mayor.party", file.mayor.party.as_ref()),
    ] {
        let Some(value) = value else { continue };
        match value.get_ref() {
            Localized::One(s) if blank(s) => places.push((format!("`{key}`"), value.span())),
            Localized::PerLang(map) => {
                for lang in map.iter().filter(|(_, s)| blank(s)).map(|(lang, _)| lang) {
                    places.push((format!("`{key}` in `{lang}`"), value.span()));
                }
            }
            Localized::One(_) => {}
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

/// Whether the first line of `text` is `+++` (after a byte-order mark).
fn opens_front_matter(text: &str) -> bool {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    rest.lines().next().is_some_and(|l| l.trim_end() == "+++")
}

/// Finds the front matter: `+++\n…\n+++\n`. Returns the TOML's byte range and where the body
/// starts.
fn split_front_matter(text: &str) -> Option<(Range<usize>, usize)> {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - rest.len();
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "+++" {
        return None;
    }
    let start = bom + first_end + 1;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((start..pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

/// The byte range of the first line that starts with `key` (for errors about a field), or
/// the file's start.
pub(crate) fn key_range(text: &str, key: &str) -> Range<usize> {
    find(text, key)
}

/// The place of the string `value` in the value of `key` (its first line or the lines after),
/// else the key's.
fn find_in_value(text: &str, key: &str, value: &str) -> Range<usize> {
    let at = find(text, key);
    let rest = &text[at.start..];
    ['"', '\'']
        .iter()
        .filter_map(|q| rest.find(&format!("{q}{value}{q}")))
        .min()
        .map_or(at.clone(), |i| at.start + i + 1..at.start + i + 1 + value.len())
}

fn find(text: &str, key: &str) -> Range<usize> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(key) {
            let start = pos + (line.len() - t.len());
            return start..start + key.len();
        }
        pos += line.len();
    }
    0..0
}

/// A language code as used in file names: two or three lower-case letters.
pub fn is_lang_code(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_lowercase())
}

/// A city slug: lower-case ASCII letters, digits and inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_found_between_plus_lines() {
        let text = "+++\na = 1\n+++\n# Body\n";
        let (fm, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[fm], "a = 1\n");
        assert_eq!(&text[body..], "# Body\n");
        assert!(split_front_matter("# no front matter\n").is_none());
        assert!(split_front_matter("+++\nunclosed\n").is_none());
    }

    #[test]
    fn dates_from_timestamps_and_text() {
        assert_eq!(Date::from_unix(0), Date { year: 1970, month: 1, day: 1 });
        assert_eq!(Date::from_unix(1_700_000_000), Date { year: 2023, month: 11, day: 14 });
        assert_eq!(Date::from_unix(951_782_400), Date { year: 2000, month: 2, day: 29 });
        assert_eq!("2023-06-30".parse(), Ok(Date { year: 2023, month: 6, day: 30 }));
        assert_eq!(" 1700000000 ".parse(), Ok(Date { year: 2023, month: 11, day: 14 }));
        assert!("2023-02-29".parse::<Date>().unwrap_err().contains("not a day"));
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("June 2023".parse::<Date>().unwrap_err().contains("neither a date"));
        assert!("2023-6".parse::<Date>().is_err());
    }

    #[test]
    fn positions_in_toml_strings_map_back_to_the_file() {
        let check = |raw: &str, value: &str, at: usize, expect: usize| {
            let map = toml_string_offsets(raw, value).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(map[at], expect, "{raw}");
        };
        check(r#""abc""#, "abc", 1, 2);
        check(r#""a\"b""#, "a\"b", 1, 2);
        check(r#""a\"b""#, "a\"b", 2, 4);
        check(r#""\u00e9x""#, "éx", 2, 7);
        check(r"'a\b'", r"a\b", 2, 3);
        check("\"\"\"\nab\"\"\"", "ab", 1, 5);
        check("\"\"\"a \\\n   b\"\"\"", "a b", 2, 10);
        assert!(toml_string_offsets(r#""abc""#, "abd").is_none());
    }

    /// Found by reading alongside the fuzzing (fuzz/README.md, finding 3).
    #[test]
    fn a_mistake_in_the_quote_and_one_in_its_attribution_are_both_reported() {
        let text =
            "+++\n[quote]\ntext = \"# heading\"\nattribution = \"- list\"\n+++\n# A {#abstract}\n\nx\n";
        let errors = parse_text(Path::new("en.md"), Arc::from(text), "en").unwrap_err();
        let lines: Vec<String> = errors.0.iter().map(|d| d.to_string()).collect();
        assert!(lines.iter().any(|l| l.starts_with("en.md:3:")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.starts_with("en.md:4:")), "{lines:#?}");
    }

    #[test]
    fn slugs_and_codes() {
        assert!(is_slug("milan") && is_slug("la-coruna-2"));
        assert!(!is_slug("Milan") && !is_slug("-x") && !is_slug("a b") && !is_slug(""));
        assert!(is_lang_code("el") && !is_lang_code("EN") && !is_lang_code("english"));
    }
}
