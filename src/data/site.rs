//! `data/site.toml`: the site's name, address, languages and city pages.

use super::*;

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

/// Every mistake in `site.toml` (`text`, shown as `shown`) that parsing lets through: the
/// languages, the default language and the city page patterns.
pub(super) fn check_site(site: &Site, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if site.languages.is_empty() {
        errors.push(Diagnostic::at(shown, text, 0..text.len(), "`languages` is empty"));
    }
    if !site.languages.contains(&site.default_language) {
        let message = format!(
            "the default language `{}` is not one of `languages` ({})",
            site.default_language,
            site.languages.join(", ")
        );
        errors.push(Diagnostic::at(shown, text, find(text, "default_language"), message));
    }
    for (key, pattern) in [("city_page", &site.city_page), ("city_page_default", &site.city_page_default)] {
        let Some(pattern) = pattern else { continue };
        let rest = pattern.replace("{lang}", "").replace("{slug}", "");
        if rest.contains('{') || rest.contains('}') || !pattern.contains("{slug}") {
            let message =
                format!("`{key}` must hold `{{slug}}` and may hold `{{lang}}`, no other placeholder");
            errors.push(Diagnostic::at(shown, text, find(text, key), message));
        }
        if !(pattern.starts_with("https://") || pattern.starts_with("http://")) {
            let message = format!("`{key}` must be a web address (https://…)");
            errors.push(Diagnostic::at(shown, text, find(text, key), message));
        }
    }
    let mut seen = BTreeSet::new();
    for lang in &site.languages {
        if !is_lang_code(lang) {
            errors.push(
                Diagnostic::at(
                    shown,
                    text,
                    find_in_value(text, "languages", lang),
                    format!("`{lang}` is not a language code"),
                )
                .hint("use a lower-case ISO 639-1 code such as `de`"),
            );
        }
        if !seen.insert(lang) {
            errors.push(Diagnostic::at(
                shown,
                text,
                find(text, "languages"),
                format!("`{lang}` is listed twice"),
            ));
        }
    }
    errors
}
