//! Event bundles: several cities' reports in one language in one PDF, with a cover and a
//! combined contents, each city keeping its own section and footnote numbering, the page
//! numbers running through, and a bookmark per city.
//!
//! The bundle is one Typst document, `templates/bundle.typ`, that lays out each report with
//! the same components as a single report (`layout.typ`); its data is the reports' JSON, one
//! after another, with what the bundle adds.

use std::sync::Arc;

use serde::Serialize;

use crate::Project;
use crate::data::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::print::impose;
use crate::report::contract::protocol::BUNDLE_TEMPLATE;
use crate::report::contract::{Meta, Report, SCHEMA, SiteOut};
use crate::report::contract::{document_files, document_json};
use crate::report::output::{Output, Profile};
use crate::typeset::render::{self, Rendered};
use crate::typeset::world::ReportWorld;

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

/// Assembles the bundle of `cities` in `lang`, made as `output`; `title` replaces the
/// language's `bundle_title`. Every city is checked first: one that cannot be loaded stops the
/// bundle with its errors.
pub fn assemble(
    project: &Project,
    cities: &[String],
    lang: &str,
    output: Output,
    title: Option<&str>,
) -> Result<Bundle, Diagnostics> {
    if cities.is_empty() {
        return Err(Diagnostic::file("data/cities", "a bundle needs at least one city")
            .hint("name the cities with --city, e.g. --city milan,naples")
            .into());
    }
    let mut errors = Vec::new();
    let mut reports = Vec::new();
    for (i, slug) in cities.iter().enumerate() {
        if cities[..i].contains(slug) {
            errors.push(Diagnostic::file(format!("data/cities/{slug}"), format!("`{slug}` is named twice")));
            continue;
        }
        match project.city(slug) {
            Ok(city) => match project.report(&city, lang, output.report()) {
                Ok(report) => reports.push(report),
                Err(d) => errors.extend(d.0),
            },
            Err(d) => errors.extend(d.0.into_iter().filter(|d| !d.warning)),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let first = &reports[0];
    let title = title.map_or_else(|| first.strings["bundle_title"].clone(), str::to_string);
    // The bundle's date is its newest report's.
    let date: Date = reports
        .iter()
        .map(|r| r.meta.date)
        .max_by_key(|d| (d.year, d.month, d.day))
        .unwrap_or(first.meta.date);
    let mut keywords = first.meta.keywords[..first.meta.keywords.len().saturating_sub(1)].to_vec();
    keywords.extend(reports.iter().map(|r| r.city.clone()));
    Ok(Bundle {
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

/// Typesets the bundle (and imposes it as a booklet if `output` says so) as the file named
/// `file`; paragraphs that would leave a line alone on a page start on the next
/// ([`render::typeset_paginated`]). A print bundle is finished as PDF/X-4 ([`crate::print::finish`]).
pub fn render(
    project: &Project,
    bundle: &Bundle,
    output: Output,
    file: &str,
) -> Result<Rendered, Diagnostics> {
    let today = render::datetime(bundle.meta.date, "data/cities".into())?;
    let shared = project.shared();
    let slugs: Vec<&str> = bundle.reports.iter().map(|r| r.slug.as_str()).collect();
    let ident = format!("cityreport/bundle/{}/{}/{}", bundle.lang, slugs.join("+"), output.profile);
    let standards = render::standards(output.profile);
    let reports: Vec<&Report> = bundle.reports.iter().collect();
    let all: Vec<_> = reports.iter().flat_map(|r| r.pictures.iter().cloned()).collect();
    let (pictures, picture_warnings) =
        crate::typeset::images::serve(&all, output.profile, shared.output_profile())?;
    // The JSON of the last typesetting, which the booklet imposes.
    let mut json = Vec::new();
    let (world, typeset) = render::typeset_paginated(&reports, |breaks| {
        json = document_json(bundle, breaks);
        let files = document_files(json.clone(), bundle.output, &reports);
        let world = ReportWorld::with_files(Arc::clone(shared), BUNDLE_TEMPLATE, files, today)
            .with_pictures(&pictures);
        let mut typeset = render::typeset(&world)?;
        typeset.warnings.extend(picture_warnings.iter().cloned());
        Ok((world, typeset))
    })?;
    let typeset = render::proofed(
        &world,
        typeset,
        &reports,
        crate::typeset::proof::Setting::of(output.report(), shared.total_ink()),
    )?;
    let mut rendered = render::export(&world, typeset, ident.clone(), today, standards)?;
    if output.profile == Profile::Print {
        rendered.finish_print(output, BUNDLE_TEMPLATE)?;
    }
    if output.booklet {
        let document = document_files(json, bundle.output, &[]);
        let mut sheets =
            impose::impose(shared, document, format!("{ident}/booklet"), today, output, &rendered)?;
        sheets.warnings.append(&mut rendered.warnings);
        rendered = sheets;
    }
    crate::print::finish(project, rendered, output, file)
}
