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

use crate::diagnostics::Place;
use crate::diagnostics::{self, Diagnostic, Diagnostics};
use markdown::{Inline, Section};

mod city;
mod date;
mod i18n;
mod images;
pub mod markdown;
mod part;
mod read;
mod site;
mod text;
pub mod todo;
mod toml_offsets;
mod write;

pub use city::{Cover, Facts, ImageFacts, Mayor, PerLanguage};
pub use date::Date;
use date::YEARS;
pub use images::{ImageFile, ImageKind, Images, MAX_IMAGE_BYTES, MAX_PIXELS, MAX_SIDE, figures};
pub use part::{Part, section_hash};
pub use read::{escapes, is_forbidden_char, is_inside_data, read_regular};
use read::{inside_data, parse_toml, read, regular_file_len};
use site::check_site;
pub use site::{DEFAULT_PROFILE, PrintCondition, Site, is_cmyk_output_profile};
use text::check_complete;
pub use text::{FiguresMatter, FrontMatter, Quote, QuoteMatter, Text, parse_text};
use toml_offsets::*;
pub use write::{temporary, write_atomic};

pub use i18n::{FIXED, Fixed, NumberFormat, Strings};

/// A short hash of a part of the default language (its converted form, so a change of
/// formatting alone does not count), which a translation records as the version it translates.
pub fn part_hash<T: Serialize + ?Sized>(part: &T) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(part).unwrap_or_default();
    Sha256::digest(&json).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// A city: its facts and its texts by language.
#[derive(Debug, Clone)]
pub struct City {
    /// The folder's name: a slug, naming the city's files.
    pub slug: String,
    /// `data/cities/<slug>/`.
    pub dir: PathBuf,
    /// `city.toml`.
    pub facts: Facts,
    /// Every `<lang>.md` that could be read, by language.
    pub texts: BTreeMap<String, Text>,
    /// `city.toml` as the user knows its path, and its text (for checks of every character).
    pub facts_source: Place,
    /// The pictures its figures and cover show, by the file as written.
    pub images: Images,
    /// Problems that do not stop the reports from being made.
    pub warnings: Vec<Diagnostic>,
}

impl City {
    /// Every file of the city that was read: its path as the user knows it and its text.
    pub fn sources(&self) -> impl Iterator<Item = (&Path, &Arc<str>)> {
        std::iter::once((self.facts_source.path.as_path(), &self.facts_source.text))
            .chain(self.texts.values().map(|t| (t.source.path.as_path(), &t.source.text)))
    }
}

/// The whole `data/` folder's shared parts, plus the list of cities.
#[derive(Debug, Clone)]
pub struct Data {
    /// The project root (the folder holding `data/` and `templates/`).
    pub root: PathBuf,
    /// `data/site.toml`.
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
    pub strings_sources: BTreeMap<String, Place>,
    /// `data/site.toml`'s path as the user knows it and its text (for checks of every
    /// character).
    pub site_source: Place,
    /// Folders in `data/cities/` that cannot be cities (badly named, or leading outside the
    /// project), by folder name: reported as failures, the other cities are made.
    pub bad_cities: BTreeMap<String, Diagnostic>,
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
        let errors = check_site(&site, &shown, &text);
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        let (strings, strings_sources, broken_languages) = load_strings(&site, root);
        let (cities, bad_cities) = list_cities(root)?;
        Ok(Self {
            root: root.to_path_buf(),
            site,
            strings,
            strings_sources,
            site_source: Place::file(shown, text),
            broken_languages,
            cities,
            bad_cities,
        })
    }

    /// The fixed strings of a site language whose i18n file is sound; `None` for another
    /// language or a broken file (see [`Self::broken_languages`]).
    pub fn strings(&self, lang: &str) -> Option<&Strings> {
        self.strings.get(lang)
    }

    /// Loads and validates one city: `city.toml` and every `<lang>.md` in its folder.
    pub fn load_city(&self, slug: &str) -> Result<City, Diagnostics> {
        let dir = self.root.join("data").join("cities").join(slug);
        let (facts, facts_source, mut errors) = self.load_facts(&dir.join("city.toml"))?;
        let default = &self.site.default_language;
        let texts = self.load_texts(&dir, &mut errors)?;
        match texts.get(default) {
            // A default-language file that exists but is broken has been reported already.
            None if !dir.join(format!("{default}.md")).exists() => {
                errors.push(Diagnostic::file(diagnostics::display_path(&dir, &self.root), format!("the city has no text in the default language: `{default}.md` is missing")).hint("every city needs a complete report in the default language; the other languages fall back to it"));
            }
            Some(t) => {
                errors.extend(check_complete(t));
                // The update section is titled with its year ("What is new in 2023?").
                if facts.update_year.is_none()
                    && let Some(update) = t.sections.iter().find(|s| s.id == markdown::ids::UPDATE)
                {
                    errors.push(
                        t.source
                            .error(update.span.clone(), "the update section needs its year: `update_year` is not in city.toml")
                            .hint("add `update_year = 2023` (the year of the news) to city.toml, or delete the update section"),
                    );
                }
            }
            None => {}
        }
        if let Some(base) = texts.get(default) {
            for (lang, t) in &texts {
                errors.extend(check_translation_lists(t, lang == default, base, default));
                if lang != default {
                    errors.extend(check_translated_sections(t, base, default));
                }
            }
        }
        let images = self.load_images(&dir, &facts, &facts_source, &texts, &mut errors);
        if errors.iter().any(|d| !d.warning) {
            Err(Diagnostics(errors))
        } else {
            Ok(City { slug: slug.to_string(), dir, facts, texts, facts_source, images, warnings: errors })
        }
    }

    /// Every `<lang>.md` of the city folder `dir`, by language; what is wrong with the folder's
    /// other files, and the texts that could not be read, go to `errors`.
    fn load_texts(
        &self,
        dir: &Path,
        errors: &mut Vec<Diagnostic>,
    ) -> Result<BTreeMap<String, Text>, Diagnostics> {
        let shown = |p: &Path| diagnostics::display_path(p, &self.root);
        let entries = fs::read_dir(dir)
            .map_err(|e| Diagnostic::file(shown(dir), format!("cannot list the folder: {e}")))?;
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        let mut texts = BTreeMap::new();
        for path in names {
            let Some(file) = path.file_name().and_then(|f| f.to_str()) else { continue };
            // A folder is skipped unless it takes a text's name (`de.md/`), which is refused below.
            if file == "city.toml"
                || file.starts_with('.')
                || (path.is_dir() && !file.ends_with(".md"))
                || is_picture_name(file)
            {
                continue;
            }
            let Some(lang) = file.strip_suffix(".md") else {
                errors.push(
                    Diagnostic::file(shown(&path), "unexpected file in a city folder")
                        .hint("a city folder holds city.toml and one <lang>.md per language")
                        .warning(),
                );
                continue;
            };
            if !self.site.languages.iter().any(|l| l == lang) {
                errors.push(Diagnostic::file(shown(&path), format!("`{lang}` is not a language of site.toml ({})", self.site.languages.join(", "))).hint("name the file after a site language, e.g. de.md, or add the language to data/site.toml"));
                continue;
            }
            match self.load_text(&path, lang) {
                Ok(t) => {
                    texts.insert(lang.to_string(), t);
                }
                Err(d) => errors.extend(d.0),
            }
        }
        Ok(texts)
    }
}

/// `to_translate` and `translated` of the text `t`: only in translations, and naming parts
/// the default language's text `base` has (warnings).
fn check_translation_lists(t: &Text, is_default: bool, base: &Text, default: &str) -> Option<Diagnostic> {
    let known =
        |id: &String| Part::FRONT.iter().any(|p| p.id() == id) || base.sections.iter().any(|s| &s.id == id);
    let unknown: Vec<&String> =
        t.to_translate.iter().chain(t.translated.keys()).filter(|id| !known(id)).collect();
    if is_default && (!t.to_translate.is_empty() || !t.translated.is_empty()) {
        Some(
            Diagnostic::at(
                &t.source.path,
                &t.source.text,
                0..3,
                "`to_translate` and `translated` belong in translations, not in the default language's text",
            )
            .hint("delete them here; `cityreport translate` writes them in the translations")
            .warning(),
        )
    } else if !unknown.is_empty() {
        let mut unknown = unknown;
        unknown.sort();
        unknown.dedup();
        let list = unknown.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        Some(
            Diagnostic::at(
                &t.source.path,
                &t.source.text,
                0..3,
                format!("`to_translate` or `translated` names {list}, which {default}.md does not have"),
            )
            .hint("run `cityreport translate` again to bring the lists up to date")
            .warning(),
        )
    } else {
        None
    }
}

/// A translation `t` may hold only sections the default language's text `base` has, at the
/// same level.
fn check_translated_sections(t: &Text, base: &Text, default: &str) -> Vec<Diagnostic> {
    let ids = || base.sections.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ");
    let mut errors = Vec::new();
    for s in &t.sections {
        match base.sections.iter().find(|b| b.id == s.id) {
            None => errors.push(
                t.source
                    .error(s.span.clone(), format!("the section id `{}` is not in {default}.md", s.id))
                    .hint(format!("a translation uses the ids of {default}.md: {}", ids())),
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
    errors
}

/// The fixed strings of every site language, each on its own: a broken i18n file fails that
/// language's reports only. (strings, their files, the broken languages' problems.)
fn load_strings(
    site: &Site,
    root: &Path,
) -> (BTreeMap<String, Strings>, BTreeMap<String, Place>, BTreeMap<String, Diagnostics>) {
    let mut strings = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut broken = BTreeMap::new();
    for lang in &site.languages {
        let path = root.join("data/i18n").join(format!("{lang}.toml"));
        let shown = diagnostics::display_path(&path, root);
        let parsed = read(&path, root)
            .map_err(|d| {
                vec![d.hint(format!(
                    "every language in site.toml needs its fixed strings; copy data/i18n/{}.toml and translate it",
                    site.default_language
                ))]
            })
            .and_then(|text| Strings::parse(&shown, &text).map(|s| (s, text)));
        match parsed {
            Ok((s, text)) => {
                strings.insert(lang.clone(), s);
                sources.insert(lang.clone(), Place::file(shown, text));
            }
            Err(d) => {
                broken.insert(lang.clone(), Diagnostics(d));
            }
        }
    }
    (strings, sources, broken)
}

/// The city folders of `data/cities/`, sorted, and those that cannot be cities (badly named,
/// or leading outside the project) with why: reported as failures, the others are made.
fn list_cities(root: &Path) -> Result<(Vec<String>, BTreeMap<String, Diagnostic>), Diagnostic> {
    let dir = root.join("data/cities");
    let entries = fs::read_dir(&dir).map_err(|e| {
        Diagnostic::file(diagnostics::display_path(&dir, root), format!("cannot list the cities: {e}"))
    })?;
    let mut cities = Vec::new();
    let mut bad = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_slug(&name) {
            let d = Diagnostic::file(
                diagnostics::display_path(&path, root),
                "a city folder name must be a slug: lower-case letters, digits and hyphens",
            )
            .hint("it becomes the PDF's file name, e.g. `milan-en.pdf`; rename the folder");
            bad.insert(name, d);
        } else if let Err(d) = inside_data(&path, root) {
            bad.insert(name, d);
        } else {
            cities.push(name);
        }
    }
    cities.sort();
    Ok((cities, bad))
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

/// Whether `file` is named as a picture (a figure's or the cover's file may sit beside the texts).
fn is_picture_name(file: &str) -> bool {
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp" | "svg")
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
    use crate::data::text::split_front_matter;

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
