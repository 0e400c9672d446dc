//! The fixed strings of the report: [`FIXED`], the one table of which strings exist and which
//! placeholders each may use, and the loading of `data/i18n/<lang>.toml` against it.
//!
//! Loading, `check` and the JSON the templates receive all follow the table: a new label is a
//! line here plus its translations, and the templates read it as `data.strings.<key>`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::data::markdown::{self, Block};
use crate::diagnostics::Place;
use crate::diagnostics::{self, Diagnostic};

/// One fixed string: its key (in `data/i18n/<lang>.toml` and in the JSON's `strings`), what it
/// is for, and the placeholders it may use.
#[derive(Debug)]
pub struct Fixed {
    /// Its key in `data/i18n/<lang>.toml`.
    pub key: &'static str,
    /// What it is for, for a translator (shown in the hint of a missing key).
    pub what: &'static str,
    /// The `{name}` placeholders it may use.
    pub placeholders: &'static [&'static str],
}

const fn fixed(key: &'static str, what: &'static str, placeholders: &'static [&'static str]) -> Fixed {
    Fixed { key, what, placeholders }
}

/// Every fixed string the report prints, in every language. `{page}` and `{pages}` are left
/// for the template to fill; every other placeholder is filled in by [`crate::report::localize`].
pub const FIXED: &[Fixed] = &[
    fixed("language_name", "the language's own name, e.g. Deutsch", &[]),
    fixed("cover_label", "the label on the cover next to the project's name", &[]),
    fixed("report_dates", "the cover's dates line", &["report", "updated"]),
    fixed("report_date", "the cover's dates line of a report without an update", &["report"]),
    fixed("title", "the PDF's title", &["city", "tagline"]),
    fixed("contents", "the contents page's title", &[]),
    fixed("key_takeaways", "the label above the key-takeaway boxes", &[]),
    fixed("key_figures", "the key-figures box's title", &[]),
    fixed("population", "the population's label in the key-figures box", &[]),
    fixed("location", "the location's label in the key-figures box", &[]),
    fixed("mayor", "the mayor's label in the key-figures box", &[]),
    fixed("networks", "the networks' label in the key-figures box", &[]),
    fixed("update_title", "the update section's title", &["year"]),
    fixed("page", "the page number in the footer", &["page", "pages"]),
    fixed(
        "fallback_note",
        "the contents page's notice that parts marked `fallback_mark` are in the default language",
        &[],
    ),
    fixed(
        "fallback_mark",
        "the mark beside each part shown in the default language (its name, printed in capitals)",
        &[],
    ),
    fixed("back_cover", "print files: the note about the project above the QR code on the back cover", &[]),
    fixed("back_cover_bundle", "the same on the back cover of a bundle of several cities' reports", &[]),
    fixed("bundle_title", "the title of a bundle of several cities' reports, unless --title gives one", &[]),
    fixed("outdated_note", "the note on a translated part whose default-language text changed since", &[]),
];

/// Keys of an i18n file that are not fixed strings.
const SETTINGS: &[(&str, &str)] = &[
    ("region", "the Typst region, e.g. \"DE\", for regional hyphenation and quotes"),
    ("number", "a table: `group` (the thousands separator) and `group_min_digits`"),
    ("closing", "Markdown: the note about the project at the end of every report"),
];

/// How a language writes numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberFormat {
    /// Thousands separator, e.g. "," or "." or U+202F.
    pub group: String,
    /// The smallest number of digits before grouping starts (CLDR "minimumGroupingDigits"
    /// plus 3): 4 groups 1,000; 5 leaves 1000 alone but groups 10 000.
    #[serde(default = "default_min_digits")]
    pub group_min_digits: usize,
}

fn default_min_digits() -> usize {
    4
}

/// One language's `data/i18n/<lang>.toml`, checked.
#[derive(Debug, Clone)]
pub struct Strings {
    /// Typst region (e.g. "GB"), for regional hyphenation and quotes.
    pub region: Option<String>,
    /// How numbers are written in this language.
    pub number: NumberFormat,
    /// Every string of [`FIXED`], by key, placeholders not yet filled.
    pub text: BTreeMap<&'static str, String>,
    /// The closing note about the project, converted.
    pub closing: Vec<Block>,
}

impl Strings {
    /// The fixed string `key` (one of [`FIXED`]).
    ///
    /// # Panics
    /// When `key` is not in [`FIXED`]: a mistake in the code, not in the data.
    pub fn get(&self, key: &str) -> &str {
        match self.text.get(key) {
            Some(s) => s,
            None => panic!("`{key}` is not a fixed string; add it to model::i18n::FIXED"),
        }
    }

    /// Reads and checks one i18n file; `shown` is its path as the user knows it. Every mistake
    /// in the file is reported, each at its place.
    pub fn parse(shown: &Path, text: &Arc<str>) -> Result<Self, Vec<Diagnostic>> {
        let table = DeTable::parse(text).map_err(|e| vec![diagnostics::from_toml(shown, text, 0, &e)])?;
        let mut errors = Vec::new();
        let at = |range: Range<usize>, message: String| Diagnostic::at(shown, text, range, message);
        let mut strings = BTreeMap::new();
        let (mut region, mut number, mut closing) = (None, None, None);
        for (key, value) in table.get_ref() {
            let name: &str = key.get_ref();
            let as_string = |errors: &mut Vec<Diagnostic>| match value.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                other => {
                    errors.push(at(
                        value.span(),
                        format!("`{name}` must be a string, not {}", other.type_str()),
                    ));
                    None
                }
            };
            match name {
                "region" => {
                    region = as_string(&mut errors);
                    // Typst takes a two-letter ISO 3166-1 code (and would fail in a template).
                    if let Some(r) = region
                        .as_ref()
                        .filter(|r| r.len() != 2 || !r.chars().all(|c| c.is_ascii_alphabetic()))
                    {
                        errors.push(at(
                            value.span(),
                            format!("`region` must be a two-letter country code such as \"DE\", not `{r}`"),
                        ));
                    }
                }
                "closing" => closing = as_string(&mut errors).map(|s| (s, value.span())),
                "number" => match NumberFormat::deserialize(ValueDeserializer::from(value.clone())) {
                    Ok(n) => number = Some(n),
                    Err(e) => errors.push(diagnostics::from_toml(shown, text, 0, &e)),
                },
                _ => match FIXED.iter().find(|f| f.key == name) {
                    Some(f) => {
                        if let Some(s) = as_string(&mut errors) {
                            errors.extend(check_placeholders(f, &s, value.span(), &at));
                            strings.insert(f.key, s);
                        }
                    }
                    None => {
                        let keys: Vec<&str> =
                            FIXED.iter().map(|f| f.key).chain(SETTINGS.iter().map(|s| s.0)).collect();
                        let hint = format!("the keys of an i18n file are: {}", keys.join(", "));
                        errors.push(at(key.span(), format!("unknown key `{name}`")).hint(hint));
                    }
                },
            }
        }
        errors.extend(missing_keys(table.get_ref(), &strings, &at));
        let closing =
            closing.and_then(|(markdown, span)| closing_note(shown, text, &markdown, span, &mut errors));
        match (number, closing) {
            (Some(number), Some(closing)) if errors.is_empty() => {
                Ok(Self { region, number, text: strings, closing })
            }
            _ => Err(errors),
        }
    }
}

/// Every fixed string and setting the file `table` lacks (a key present with a wrong type has
/// been reported already).
fn missing_keys(
    table: &toml::de::DeTable,
    strings: &BTreeMap<&str, String>,
    at: &dyn Fn(Range<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let present = |key: &str| table.keys().any(|k| k.get_ref() == key);
    let missing =
        |key: &str, what: &str| at(0..0, format!("`{key}` is missing")).hint(format!("add `{key}`: {what}"));
    let strings = FIXED
        .iter()
        .filter(|f| !strings.contains_key(f.key) && !present(f.key))
        .map(|f| missing(f.key, f.what));
    let settings =
        SETTINGS.iter().filter(|(k, _)| *k != "region" && !present(k)).map(|(k, what)| missing(k, what));
    strings.chain(settings).collect()
}

/// The closing note (`markdown`, the string at `span` of `text`) as blocks, or `None` with its
/// errors in `errors`: positions in the note's value map back to the file through the
/// string's quotes, escapes and line breaks (or, if the string is not understood, to its
/// start).
fn closing_note(
    shown: &Path,
    text: &Arc<str>,
    markdown: &str,
    span: Range<usize>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Block>> {
    let map = super::toml_string_offsets(&text[span.clone()], markdown);
    let src = Place::from_offset(shown.to_path_buf(), text.clone(), span.start);
    let at = |i: usize| map.as_ref().and_then(|m| m.get(i.checked_sub(span.start)?).copied());
    markdown::convert_blocks(&src, markdown)
        .map_err(|d| {
            errors.extend(d.0.into_iter().map(|mut e| {
                e.range = match (at(e.range.start), at(e.range.end)) {
                    (Some(a), Some(b)) => span.start + a..span.start + b.max(a),
                    _ => span.start..span.start + 1,
                };
                e
            }))
        })
        .ok()
}

/// Every `{name}` in `value` must be one of the string's placeholders.
fn check_placeholders(
    f: &Fixed,
    value: &str,
    span: Range<usize>,
    at: &dyn Fn(Range<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let key = f.key;
    let mut errors = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            errors.push(at(span.clone(), format!("`{key}` has a `{{` without a closing `}}`")));
            break;
        };
        let name = &rest[open + 1..open + close];
        if !f.placeholders.contains(&name) {
            let may = if f.placeholders.is_empty() {
                format!("`{key}` has no placeholders; write the text as it should print")
            } else {
                format!(
                    "`{key}` may use: {}",
                    f.placeholders.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ")
                )
            };
            errors.push(
                at(span.clone(), format!("`{key}` uses the unknown placeholder `{{{name}}}`")).hint(may),
            );
        }
        rest = &rest[open + close + 1..];
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> String {
        let mut s =
            String::from("region = \"GB\"\nclosing = \"About the project.\"\n[number]\ngroup = \",\"\n");
        let mut top = String::new();
        for f in FIXED {
            top.push_str(&format!(
                "{} = \"{}\"\n",
                f.key,
                f.placeholders.iter().map(|p| format!("{{{p}}}")).collect::<String>()
            ));
        }
        s.insert_str(0, &top);
        s
    }

    fn parse(text: &str) -> Result<Strings, Vec<Diagnostic>> {
        Strings::parse(Path::new("en.toml"), &Arc::from(text))
    }

    #[test]
    fn a_complete_file_has_every_fixed_string() {
        let s = parse(&complete()).unwrap();
        assert_eq!(s.text.len(), FIXED.len());
        assert_eq!(s.get("update_title"), "{year}");
        assert_eq!(s.number.group_min_digits, 4);
    }

    #[test]
    fn missing_unknown_and_mistyped_keys_are_each_located() {
        let text = complete().replace("contents = \"\"\n", "").replace("mayor = \"\"", "mayor = 3")
            + "\n[extra]\nx = 1\n";
        let errors = parse(&text).unwrap_err();
        let messages: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 3, "{messages:#?}");
        assert!(
            messages.iter().any(|m| m.starts_with("en.toml:1:1: error: `contents` is missing")),
            "{messages:#?}"
        );
        let mayor_line = text.lines().position(|l| l.starts_with("mayor")).unwrap() + 1;
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&format!("en.toml:{mayor_line}:9: error: `mayor` must be a string"))),
            "{messages:#?}"
        );
        assert!(messages.iter().any(|m| m.contains("unknown key `extra`")), "{messages:#?}");
    }

    /// Found by reading alongside the fuzzing (fuzz/README.md, findings 1 and 4).
    #[test]
    fn closing_errors_are_located_through_quotes_and_escapes_and_regions_are_codes() {
        // Each has a rule (`---` or `***`), refused: the error must point at it in the file.
        for closing in [
            "closing = '''\néé\n\n---\n'''\n",
            "closing = \"\\u00e9\\u00e9\\n\\n***\"\n",
            "closing = \"\"\"\r\nText.\r\n\r\n---\r\n\"\"\"\n",
        ] {
            let text = complete().replace("closing = \"About the project.\"\n", closing);
            let errors = parse(&text).unwrap_err();
            let rule = text.find("---").or_else(|| text.find("***")).unwrap();
            let (line, col) = crate::diagnostics::line_column(&text, rule);
            let expect = format!("en.toml:{line}:{col}:");
            assert!(
                errors[0].to_string().starts_with(&expect),
                "{closing:?}: {} (expected {expect})",
                errors[0]
            );
        }
        let text = complete().replace("region = \"GB\"", "region = \"Germany\"");
        let errors = parse(&text).unwrap_err();
        assert!(errors[0].message.contains("two-letter country code"), "{errors:?}");
    }

    #[test]
    fn placeholders_are_checked_against_the_table() {
        let text = complete().replace("update_title = \"{year}\"", "update_title = \"{yaer}\"");
        let errors = parse(&text).unwrap_err();
        assert!(errors[0].message.contains("unknown placeholder `{yaer}`"), "{errors:?}");
        assert!(errors[0].hints[0].contains("{year}"));
    }
}
