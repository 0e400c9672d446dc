//! An event bundle's data: several cities' reports in one language, with what the bundle
//! adds (its title, cover and dates), as `templates/bundle.typ` receives it at `/report.json`.
//! Each city keeps its own section and footnote numbering; the page numbers run through.

use serde::Serialize;

use crate::data::Date;
use crate::report::contract::{Meta, Report, SCHEMA, SiteOut};
use crate::report::output::Output;

/// What the bundle template receives (at `/report.json`, the document's data).
#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    /// The shape of this data ([`SCHEMA`]).
    pub schema: u32,
    /// `bundle`, to tell it from a single report's data.
    pub kind: &'static str,
    /// The bundle's title on its cover (`--title`).
    pub title: String,
    /// The bundle's language.
    pub lang: String,
    /// Its region (`DE`, …), for Typst's quotation marks and hyphenation.
    pub region: Option<String>,
    /// The PDF's metadata.
    pub meta: Meta,
    /// The kind of file.
    pub output: Output,
    /// The site's name and address.
    pub site: SiteOut,
    /// The fixed strings in the bundle's language.
    pub strings: std::collections::BTreeMap<&'static str, String>,
    /// Each city's report, in the order given.
    pub reports: Vec<Report>,
}

impl Bundle {
    /// The bundle of `reports` (at least one, all in `lang`, made for `output`); `title`
    /// replaces the language's `bundle_title`. Its date is its newest report's.
    pub fn of(reports: Vec<Report>, lang: &str, output: Output, title: Option<&str>) -> Option<Self> {
        let first = reports.first()?;
        let title = title.map_or_else(|| first.strings["bundle_title"].clone(), str::to_string);
        let date: Date = reports
            .iter()
            .map(|r| r.meta.date)
            .max_by_key(|d| (d.year, d.month, d.day))
            .unwrap_or(first.meta.date);
        let mut keywords = first.meta.keywords[..first.meta.keywords.len().saturating_sub(1)].to_vec();
        keywords.extend(reports.iter().map(|r| r.city.clone()));
        Some(Self {
            schema: SCHEMA,
            kind: "bundle",
            meta: Meta { title: title.clone(), author: first.meta.author.clone(), keywords, date },
            title,
            lang: lang.to_string(),
            region: first.region.clone(),
            output: output.report(),
            site: first.site.clone(),
            strings: first.strings.clone(),
            reports,
        })
    }
}
