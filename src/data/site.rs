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
    /// `[print]`: the printing condition the print files are made for.
    #[serde(default)]
    pub print: PrintCondition,
}

/// `[print]` of `site.toml`: the printing condition the print files are made for, declared in
/// each print file as its PDF/X output intent. The default is the profile shipped in `icc/`
/// (PSO Coated v3, FOGRA51); a print shop's own profile and condition go here instead.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrintCondition {
    /// The CMYK output profile (an ICC profile of class `prtr`), a file in the project
    /// folder; `None` for the one shipped with cityreport ([`DEFAULT_PROFILE`]).
    pub profile: Option<String>,
    /// The output condition's identifier: a name in the ICC's registry of characterised
    /// printing conditions (`FOGRA51`), or `Custom`.
    pub condition: String,
    /// What the condition is, in words (the output intent's `Info`).
    pub info: String,
    /// The most ink, in percent of one ink, the profile's condition takes anywhere (its
    /// total area coverage).
    pub total_ink: f64,
    /// The paper's weight in g/m², for the creep of a booklet (`--creep auto`).
    pub paper_weight: f64,
}

/// The shipped profile: PSO Coated v3 (FOGRA51), 300 % total ink (`icc/README.md`).
pub const DEFAULT_PROFILE: &str = "icc/PSOcoated_v3_300_mth.icc";

impl Default for PrintCondition {
    fn default() -> Self {
        Self {
            profile: None,
            condition: "FOGRA51".into(),
            info: "PSO Coated v3 (FOGRA51): offset printing on premium coated paper, 300 % total ink".into(),
            total_ink: 300.0,
            paper_weight: 115.0,
        }
    }
}

impl PrintCondition {
    /// The thickness of one sheet of the paper, in mm: about 1 µm per g/m² for the coated
    /// and uncoated papers booklets are printed on (80 g/m² ≈ 0.08 mm, 130 g/m² ≈ 0.13 mm).
    pub fn sheet_thickness_mm(&self) -> f64 {
        self.paper_weight / 1000.0
    }
}

/// Whether `bytes` are an ICC output profile for CMYK: class `prtr`, data colour space `CMYK`
/// (the header's bytes 12–15 and 16–19), with the `acsp` signature at 36.
pub fn is_cmyk_output_profile(bytes: &[u8]) -> bool {
    bytes.len() > 128 && &bytes[12..16] == b"prtr" && &bytes[16..20] == b"CMYK" && &bytes[36..40] == b"acsp"
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
    errors.extend(check_print(&site.print, shown, text));
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

/// The `[print]` table's limits; the profile file itself is read when the project opens
/// (`Project::open`), from the project folder.
fn check_print(print: &PrintCondition, shown: &Path, text: &Arc<str>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if !(100.0..=400.0).contains(&print.total_ink) {
        let message =
            format!("`total_ink` is {} %; a CMYK printing condition takes 100 to 400 %", print.total_ink);
        errors.push(Diagnostic::at(shown, text, find(text, "total_ink"), message));
    }
    if !(40.0..=400.0).contains(&print.paper_weight) {
        let message =
            format!("`paper_weight` is {} g/m²; booklet paper weighs 40 to 400 g/m²", print.paper_weight);
        errors.push(Diagnostic::at(shown, text, find(text, "paper_weight"), message));
    }
    let printable = |s: &str| !s.trim().is_empty() && s.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    let profile = print.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
    for (key, value) in [("condition", print.condition.as_str()), ("info", &print.info), ("profile", profile)]
    {
        if !printable(value) {
            let message =
                format!("`{key}` must be plain ASCII text, not empty (it is written into the PDF as it is)");
            errors.push(Diagnostic::at(shown, text, find(text, key), message));
        }
    }
    errors
}
