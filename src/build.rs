//! Building many reports: select cities and languages, render each, write each PDF
//! atomically, and collect what was built and what failed.
//!
//! One broken city or language does not stop the others: its errors are collected and the
//! batch goes on; the caller decides the exit status.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::Project;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::localize::Coverage;

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The output folder.
    pub out: PathBuf,
    /// Cities to build; empty means all.
    pub cities: Vec<String>,
    /// Languages to build; empty means all of the site's.
    pub langs: Vec<String>,
}

/// One report that was written.
#[derive(Debug, Clone)]
pub struct Built {
    pub slug: String,
    pub lang: String,
    pub file: PathBuf,
    pub title: String,
    pub pages: usize,
    pub bytes: usize,
    pub coverage: Coverage,
    pub warnings: Vec<Diagnostic>,
}

/// A city or report that could not be built.
#[derive(Debug, Clone)]
pub struct Failure {
    pub slug: String,
    /// `None` when the city's data as a whole is broken.
    pub lang: Option<String>,
    pub diagnostics: Diagnostics,
}

/// The outcome of a build.
#[derive(Debug, Default)]
pub struct Summary {
    pub built: Vec<Built>,
    pub failed: Vec<Failure>,
    /// Problems in the data that did not stop any report.
    pub warnings: Vec<Diagnostic>,
}

/// The file name of a report: `<slug>-<lang>.pdf`.
pub fn file_name(slug: &str, lang: &str) -> String {
    format!("{slug}-{lang}.pdf")
}

/// Builds the selected reports into `options.out`, calling `progress` after each.
pub fn build(
    project: &Project,
    options: &Options,
    progress: &mut dyn FnMut(&str, &str, bool),
) -> anyhow::Result<Summary> {
    for lang in &options.langs {
        project.check_lang(lang)?;
    }
    let cities: Vec<String> =
        if options.cities.is_empty() { project.cities().to_vec() } else { options.cities.clone() };
    let langs: Vec<String> =
        if options.langs.is_empty() { project.languages().to_vec() } else { options.langs.clone() };
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create the output folder {}", options.out.display()))?;

    let mut summary = Summary::default();
    for slug in &cities {
        let city = match project.city(slug) {
            Ok(c) => {
                summary.warnings.extend(c.warnings.iter().cloned());
                c
            }
            Err(diagnostics) => {
                progress(slug, "*", false);
                summary.failed.push(Failure { slug: slug.clone(), lang: None, diagnostics });
                continue;
            }
        };
        for lang in &langs {
            let report = project.report(&city, lang);
            let result = project.render(&report).and_then(|rendered| {
                let file = options.out.join(file_name(slug, lang));
                write_atomic(&file, &rendered.pdf).map_err(|e| {
                    Diagnostics::from(Diagnostic::file(&file, format!("cannot write the PDF: {e:#}")))
                })?;
                Ok(Built {
                    slug: slug.clone(),
                    lang: lang.clone(),
                    file,
                    title: report.meta.title.clone(),
                    pages: rendered.pages,
                    bytes: rendered.pdf.len(),
                    coverage: report.coverage.clone(),
                    warnings: rendered.warnings,
                })
            });
            progress(slug, lang, result.is_ok());
            match result {
                Ok(b) => summary.built.push(b),
                Err(diagnostics) => summary.failed.push(Failure {
                    slug: slug.clone(),
                    lang: Some(lang.clone()),
                    diagnostics,
                }),
            }
        }
    }
    Ok(summary)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// `path` holds either its previous content or the complete new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cityreport-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("cannot rename onto {}", path.display()))?;
    Ok(())
}
