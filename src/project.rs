//! An open project: its data's shared parts, its fonts and its templates, loaded once; the
//! library's entry point ([`Project`]): load a city, make its report, a bundle, a file, check
//! it. It stands above the stages that make a file (it holds the shared World parts and the
//! printing condition they take) and below the publish and edit stages, which take it.
//!
//! May import: `make`, `finish`, `typeset`, `report`, `data`, `diagnostics`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::data::{City, Data, Date};
use crate::diagnostics::{Diagnostic, Diagnostics, Place};
use crate::make::{Site, Source};
use crate::report::bundle::Bundle;
use crate::report::contract::Report;
use crate::report::output::Output;
use crate::typeset::render::Rendered;
use crate::typeset::world::Shared;

/// An open project: its data's shared parts, fonts and templates, loaded once.
pub struct Project {
    data: Data,
    shared: Arc<Shared>,
    date: Option<Date>,
    /// The printing condition's ICC output profile (`[print] profile` of `site.toml`).
    output_profile: Arc<[u8]>,
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
        let Place { path: site_path, text: site_text, .. } = &data.site_source;
        let missing = fonts.missing_glyphs(site_path, site_text);
        if !missing.is_empty() {
            return Err(OpenError::Data(Diagnostics(missing)));
        }
        let mut data = data;
        for (lang, Place { path, text, .. }) in &data.strings_sources {
            let missing = fonts.missing_glyphs(path, text);
            if !missing.is_empty() {
                data.broken_languages.insert(lang.clone(), Diagnostics(missing));
            }
        }
        let output_profile = read_output_profile(root, &data)?;
        let shared = Shared::new(root, fonts, data.site.print.total_ink, output_profile.clone())
            .map_err(OpenError::Other)?;
        Ok(Self { data, shared: Arc::new(shared), date, output_profile })
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

    /// The printing condition's ICC output profile, embedded in every print file.
    pub fn output_profile(&self) -> &Arc<[u8]> {
        &self.output_profile
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
            .hint(self.unknown_city_hint(slug))
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

    /// Decodes every picture of `city` (what `check` adds to [`Project::city`], which reads
    /// only their headers): a damaged or truncated file is an error at the file. `build`
    /// decodes each picture when it prepares it, and fails on the same files.
    pub fn verify_pictures(&self, city: &City) -> Result<(), Diagnostics> {
        let errors: Vec<Diagnostic> = city
            .images
            .values()
            .filter_map(|file| crate::typeset::prepare::verify(file).err().map(|e| (file, e)))
            .map(|(file, e)| {
                Diagnostic::file(file.shown.clone(), e)
                    .hint("open the file in an image editor and save it again, or take it from the original")
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(Diagnostics(errors)) }
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

    /// The data the templates receive for `city` in `lang`, made as `output`; the problems of
    /// `lang`'s fixed strings when they cannot be used ([`Self::language_problems`]), or an
    /// error when it is not a site language.
    pub fn report(&self, city: &City, lang: &str, output: Output) -> Result<Report, Diagnostics> {
        if let Some(problems) = self.language_problems(lang) {
            return Err(problems.clone());
        }
        let Some(strings) = self.data.strings(lang) else {
            let message =
                format!("`{lang}` is not a language of site.toml ({})", self.languages().join(", "));
            return Err(Diagnostic::file("data/site.toml", message).into());
        };
        Ok(crate::report::localize::localize(&self.data, strings, city, lang, output, self.date))
    }

    /// What to say of a city that does not exist: the nearest name, or the list.
    fn unknown_city_hint(&self, slug: &str) -> String {
        let nearest = self
            .data
            .cities
            .iter()
            .map(|c| (strsim::damerau_levenshtein(slug, c), c))
            .filter(|(d, c)| *d <= 2.max(c.len() / 4))
            .min();
        match nearest {
            Some((_, c)) => format!("did you mean `{c}`?"),
            None if self.data.cities.is_empty() => {
                "there are no cities yet: `cityreport new SLUG --name \"City\"` starts one".into()
            }
            None => format!("the cities are: {}", self.data.cities.join(", ")),
        }
    }

    /// The reports to make, checked: every language in `langs` is a site language (all of
    /// them if it is empty); `cities` empty means every city.
    pub fn select(
        &self,
        cities: Vec<String>,
        langs: Vec<String>,
        shard: Option<Shard>,
    ) -> anyhow::Result<Selection> {
        for lang in &langs {
            self.check_lang(lang)?;
        }
        for slug in &cities {
            let known = self.data.cities.contains(slug) || self.data.bad_cities.contains_key(slug);
            if !known {
                anyhow::bail!(
                    "there is no city `{slug}` in data/cities/\nhint: {}",
                    self.unknown_city_hint(slug)
                );
            }
        }
        let langs = if langs.is_empty() { self.languages().to_vec() } else { langs };
        let cities = if cities.is_empty() { None } else { Some(cities) };
        Ok(Selection { cities, langs, shard })
    }

    /// Makes one report as the file its output says (its own kind: a print report, not a
    /// booklet of it).
    pub fn render(&self, report: &Report) -> Result<Rendered, Diagnostics> {
        let file = report.output.file_name(&report.slug, &report.lang);
        self.make(Source::Report(report), report.output, &file)
    }

    /// Makes `source` as the file `output`, named `file` (for its preflight report): the one
    /// path every file is made by ([`crate::make`]). `source`'s reports are made with
    /// [`Project::report`] for `output.report()`.
    pub fn make(&self, source: Source, output: Output, file: &str) -> Result<Rendered, Diagnostics> {
        crate::make::make(self.site(), source, output, file, None)
    }

    /// The site's parts every file is made with.
    pub fn site(&self) -> Site<'_> {
        Site { shared: &self.shared, print: &self.data.site.print }
    }

    /// The bundle of `cities` in `lang`, made as `output`; `title` replaces the language's
    /// `bundle_title`. Every city is checked first: one that cannot be loaded, or is named
    /// twice, stops the bundle with its errors.
    pub fn bundle(
        &self,
        cities: &[String],
        lang: &str,
        output: Output,
        title: Option<&str>,
    ) -> Result<Bundle, Diagnostics> {
        let mut errors = Vec::new();
        let mut reports = Vec::new();
        for (i, slug) in cities.iter().enumerate() {
            if cities[..i].contains(slug) {
                let message = format!("`{slug}` is named twice");
                errors.push(Diagnostic::file(format!("data/cities/{slug}"), message));
                continue;
            }
            match self.city(slug) {
                Ok(city) => match self.report(&city, lang, output.report()) {
                    Ok(report) => reports.push(report),
                    Err(d) => errors.extend(d.0),
                },
                Err(d) => errors.extend(d.0.into_iter().filter(|d| !d.warning)),
            }
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        Bundle::of(reports, lang, output, title).ok_or_else(|| {
            Diagnostic::file("data/cities", "a bundle needs at least one city")
                .hint("name the cities with --city, e.g. --city milan,naples")
                .into()
        })
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

/// The ICC profile `[print] profile` of `site.toml` names, from the project folder `root` (the
/// shipped one if it names none): a CMYK output profile, or a located error in `site.toml`.
fn read_output_profile(root: &Path, data: &Data) -> Result<Arc<[u8]>, OpenError> {
    /// The shipped profile (`icc/`), in the binary: every project has it.
    static SHIPPED: &[u8] = include_bytes!("../icc/PSOcoated_v3_300_mth.icc");
    let Some(name) = &data.site.print.profile else { return Ok(SHIPPED.into()) };
    let Place { path: site_path, text: site_text, .. } = &data.site_source;
    let error = |message: String, hint: &str| {
        let range = crate::data::key_range(site_text, "profile");
        let d = if range.is_empty() {
            Diagnostic::file(site_path, message)
        } else {
            Diagnostic::at(site_path, site_text, range, message)
        };
        OpenError::Data(d.hint(hint).into())
    };
    let path = root.join(name);
    let inside =
        |p: &Path| root.canonicalize().is_ok_and(|r| p.canonicalize().is_ok_and(|p| p.starts_with(r)));
    if !inside(&path) {
        return Err(error(
            format!("the output profile `{name}` is not a file in the project folder"),
            "name an ICC profile inside the project, e.g. `icc/PSOcoated_v3_300_mth.icc` (the one shipped)",
        ));
    }
    // An ordinary file only: a named pipe at the name would never end.
    let bytes = crate::data::read_regular(&path, 64 << 20)
        .map_err(|e| error(format!("cannot read the output profile `{name}`: {e}"), "check the file"))?;
    if !crate::data::is_cmyk_output_profile(&bytes) {
        return Err(error(
            format!(
                "`{name}` is not an ICC output profile for CMYK (device class `prtr`, colour space `CMYK`)"
            ),
            "ask the print shop for the ICC profile of their printing condition, or use the shipped one",
        ));
    }
    Ok(bytes.into())
}

/// A checked choice of reports ([`Project::select`]): what a batch builds, taken as given.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The cities named, or `None` for every city of the project.
    cities: Option<Vec<String>>,
    /// Site languages.
    langs: Vec<String>,
    shard: Option<Shard>,
}

impl Selection {
    /// Whether every city of the project is selected (so that folders that cannot be cities
    /// fail the batch).
    pub fn all_cities(&self) -> bool {
        self.cities.is_none()
    }

    /// The selected languages, all site languages.
    pub fn langs(&self) -> &[String] {
        &self.langs
    }

    /// Every selected (city, language) pair of `project` in a fixed order; a shard takes
    /// every n-th.
    pub fn pairs(&self, project: &Project) -> Vec<(String, String)> {
        let cities = self.cities.as_deref().unwrap_or(project.cities());
        let pairs =
            cities.iter().flat_map(|slug| self.langs.iter().map(move |lang| (slug.clone(), lang.clone())));
        match self.shard {
            Some(Shard { k, n }) => {
                pairs.enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, p)| p).collect()
            }
            None => pairs.collect(),
        }
    }
}

/// The `k`-th of `n` shares of a batch (1 ≤ k ≤ n), for spreading it over several machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    k: usize,
    n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, such as `1/4`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or("write the shard as K/N, e.g. 1/4")?;
        let k: usize = k.trim().parse().map_err(|_| format!("`{k}` is not a number"))?;
        let n: usize = n.trim().parse().map_err(|_| format!("`{n}` is not a number"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("{k}/{n}: K must be between 1 and N"));
        }
        Ok(Self { k, n })
    }
}
