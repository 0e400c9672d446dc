//! An open project: its data's shared parts, its fonts and its templates, loaded once; the
//! library's entry point ([`Project`]). It stands above the typesetting stage (it holds the
//! shared World parts) and below the print and publish stages, which take it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::data::{City, Data, Date};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::report::localize::Report;
use crate::report::output::Output;
use crate::typeset::render::Rendered;
use crate::typeset::world::Shared;

/// An open project: its data's shared parts, fonts and templates, loaded once.
pub struct Project {
    data: Data,
    shared: Arc<Shared>,
    date: Option<Date>,
}

/// Why a project could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Mistakes in `data/site.toml` or `data/i18n/`.
    Data(Diagnostics),
    /// Anything else (missing folders, unreadable fonts or templates).
    Other(anyhow::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Data(d) => write!(f, "{d}"),
            Self::Other(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for OpenError {}

impl Project {
    /// Opens the project in `root` (the folder holding `data/`, `templates/` and `fonts/`).
    pub fn open(root: &Path) -> Result<Self, OpenError> {
        Self::load(root, None, None)
    }

    /// Opens the project in `root`, with `fonts` if given (else loaded from `root/fonts`).
    fn load(
        root: &Path,
        fonts: Option<Arc<crate::typeset::fonts::Fonts>>,
        date: Option<Date>,
    ) -> Result<Self, OpenError> {
        let data = Data::load(root).map_err(OpenError::Data)?;
        let fonts = match fonts {
            Some(fonts) => fonts,
            None => Arc::new(
                crate::typeset::fonts::Fonts::load(&root.join("fonts"))
                    .context("cannot load the project's fonts")
                    .map_err(OpenError::Other)?,
            ),
        };
        let (site_path, site_text) = &data.site_source;
        let missing = fonts.missing_glyphs(site_path, site_text);
        if !missing.is_empty() {
            return Err(OpenError::Data(Diagnostics(missing)));
        }
        let mut data = data;
        for (lang, (path, text)) in &data.strings_sources {
            let missing = fonts.missing_glyphs(path, text);
            if !missing.is_empty() {
                data.broken_languages.insert(lang.clone(), Diagnostics(missing));
            }
        }
        let shared = Shared::new(root, fonts).map_err(OpenError::Other)?;
        Ok(Self { data, shared: Arc::new(shared), date })
    }

    /// The project as it is on disk now: its data and templates read again, and its fonts
    /// too when `fonts` says they changed (else they are shared with this one).
    pub fn reopen(&self, fonts: bool) -> Result<Self, OpenError> {
        Self::load(&self.data.root, (!fonts).then(|| self.shared.fonts_arc()), self.date)
    }

    /// Gives every report this document date instead of the one its city's data implies (the
    /// command line's `--date`, or `SOURCE_DATE_EPOCH`).
    pub fn with_date(mut self, date: Option<Date>) -> Self {
        self.date = date;
        self
    }

    /// The loaded site data.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The shared World parts (fonts, templates).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The city slugs in `data/cities/`, sorted.
    pub fn cities(&self) -> &[String] {
        &self.data.cities
    }

    /// The languages the site publishes.
    pub fn languages(&self) -> &[String] {
        &self.data.site.languages
    }

    /// Loads and validates one city.
    pub fn city(&self, slug: &str) -> Result<City, Diagnostics> {
        if let Some(d) = self.data.bad_cities.get(slug) {
            return Err(d.clone().into());
        }
        if !self.data.cities.iter().any(|c| c == slug) {
            return Err(Diagnostic::file(
                format!("data/cities/{slug}"),
                format!("there is no city `{slug}`"),
            )
            .hint(format!("the cities are: {}", self.data.cities.join(", ")))
            .into());
        }
        let mut city = self.data.load_city(slug)?;
        let unwritten: Vec<Diagnostic> =
            city.sources().flat_map(|(path, text)| crate::data::todo::placeholders(path, text)).collect();
        city.warnings.extend(unwritten);
        let missing: Vec<Diagnostic> =
            city.sources().flat_map(|(path, text)| self.shared.fonts().missing_glyphs(path, text)).collect();
        if !missing.is_empty() {
            return Err(Diagnostics(missing.into_iter().chain(city.warnings).collect()));
        }
        Ok(city)
    }

    /// The problems of `lang`'s fixed strings (`data/i18n/<lang>.toml`), when they cannot be
    /// used: no report in that language can be made.
    pub fn language_problems(&self, lang: &str) -> Option<&Diagnostics> {
        self.data.broken_languages.get(lang)
    }

    /// The folders in `data/cities/` that cannot be cities, with why.
    pub fn bad_cities(&self) -> impl Iterator<Item = (&String, &Diagnostic)> {
        self.data.bad_cities.iter()
    }

    /// The data the templates receive for `city` in `lang`, made as `output`.
    ///
    /// # Panics
    /// If `lang`'s fixed strings are broken ([`Self::language_problems`]): check first.
    pub fn report(&self, city: &City, lang: &str, output: Output) -> Report {
        crate::report::localize::localize(&self.data, city, lang, output, self.date)
    }

    /// Typesets one report.
    pub fn render(&self, report: &Report) -> Result<Rendered, Diagnostics> {
        crate::typeset::render::render(&self.shared, report)
    }

    /// Checks that `lang` is a site language.
    pub fn check_lang(&self, lang: &str) -> anyhow::Result<()> {
        if self.languages().iter().any(|l| l == lang) {
            Ok(())
        } else {
            anyhow::bail!(
                "unknown language `{lang}`; the site's languages are: {}",
                self.languages().join(", ")
            )
        }
    }
}
