//! Finishing: the PDF Typst wrote made the file its kind declares, in one step for every kind
//! of file.
//!
//! [`finish`] reads the PDF once (a web or archive file only when it has a link of several
//! lines), makes every change in one incremental update, so Typst's bytes and its structure
//! tree stay as they are, and writes each stream's end unambiguously ([`stream_ends`]),
//! whoever wrote the stream:
//!
//! - web and archive files: each line of a link its own annotation ([`links`]);
//! - print files: the bleed box on every page, the document's title shown ([`pages`]), the
//!   links removed, PDF/X-4 for the site's printing condition ([`pdfx`]), checked, and the
//!   preflight report ([`preflight`]) read from the same parsed document.
//!
//! May import: `report`, `data`, `diagnostics`.

mod edit;
mod links;
mod pages;
pub mod pdfx;
mod preflight;
mod stream_ends;

use anyhow::{Context, Result};
use lopdf::{Document, IncrementalDocument, Object};

use crate::data::PrintCondition;
use crate::report::output::{Output, Profile};

/// How a file is finished.
pub struct Finishing<'a> {
    /// The file's name (for the preflight report).
    pub file: &'a str,
    /// The kind of file.
    pub output: Output,
    /// The printing condition, for a print file.
    pub print: Option<Print<'a>>,
}

/// What a print file is made for.
#[derive(Clone, Copy)]
pub struct Print<'a> {
    /// Its output intent.
    pub intent: pdfx::OutputIntent<'a>,
    /// The printing condition, as the site's data gives it.
    pub condition: &'a PrintCondition,
}

impl<'a> Print<'a> {
    /// The site's printing condition with its ICC output profile `icc`.
    pub fn of(condition: &'a PrintCondition, icc: &'a [u8]) -> Self {
        let intent = pdfx::OutputIntent {
            icc,
            identifier: &condition.condition,
            condition: &condition.info,
            registry: "http://www.color.org",
            info: &condition.info,
        };
        Self { intent, condition }
    }
}

/// A finished file.
pub struct Finished {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// A print file's preflight report.
    pub preflight: Option<String>,
}

/// Finishes the PDF `pdf` that Typst wrote as `job` says (see the module's description).
pub fn finish(pdf: Vec<u8>, job: &Finishing) -> Result<Finished> {
    let pdf = stream_ends::unambiguous(pdf)?;
    match (job.output.profile(), job.print) {
        (Profile::Print, Some(print)) => {
            let (pdf, doc, inks) = print_file(pdf, job.output.bleed_mm(), &print.intent)?;
            let subject =
                preflight::Subject { file: job.file, output: job.output, condition: print.condition };
            let preflight = preflight::report(&doc, &inks, &subject);
            Ok(Finished { pdf, preflight: Some(preflight) })
        }
        (Profile::Print, None) => anyhow::bail!("a print file needs its printing condition"),
        (Profile::Web | Profile::Archive, _) => Ok(Finished { pdf: screen_file(pdf)?, preflight: None }),
    }
}

/// A web or archive file: its links one per line, read and updated only if it has a link of
/// several lines.
fn screen_file(pdf: Vec<u8>) -> Result<Vec<u8>> {
    if !links::may_have_multi_line_links(&pdf) {
        return Ok(pdf);
    }
    let doc = Document::load_mem(&pdf).context("cannot read the PDF")?;
    if !links::has_multi_line_links(&doc) {
        return Ok(pdf);
    }
    let mut update = updating(pdf, doc);
    links::one_per_line(&mut update)?;
    save(update)
}

/// A print file, `bleed_mm` of bleed, made PDF/X-4 for `intent`: the file, the document as
/// finished and its inks (for the preflight report), each page's inks measured once.
pub(crate) fn print_file(
    pdf: Vec<u8>,
    bleed_mm: f64,
    intent: &pdfx::OutputIntent,
) -> Result<(Vec<u8>, Document, Vec<pdfx::PageInk>)> {
    let doc = Document::load_mem(&pdf).context("cannot read the PDF")?;
    let instance = pdfx::instance_id(&pdf, intent);
    let mut update = updating(pdf, doc);
    pages::bleed_boxes(&mut update, bleed_mm)?;
    pages::display_doc_title(&mut update)?;
    links::remove(&mut update)?;
    pdfx::convert(&mut update, intent)?;
    // What is printed, inside each page's bleed, is final now: measured once.
    let mut finished = merged(&update);
    let inks = pdfx::ink_coverage_of(&finished)?;
    pdfx::no_rgb(&inks)?;
    pdfx::declare(&mut update, instance, intent)?;
    overlay(&mut finished, &update);
    pdfx::check(&finished)?;
    let mut pdf = save(update)?;
    pdfx::set_header_version(&mut pdf)?;
    Ok((pdf, finished, inks))
}

/// An incremental update of `pdf` (read as `doc`) that keeps its version.
fn updating(pdf: Vec<u8>, doc: Document) -> IncrementalDocument {
    let version = doc.version.clone();
    let mut update = IncrementalDocument::create_from(pdf, doc);
    update.new_document.version = version;
    update
}

/// The document as the update leaves it: the previous one with the update's objects.
fn merged(update: &IncrementalDocument) -> Document {
    let mut doc = update.get_prev_documents().clone();
    overlay(&mut doc, update);
    doc
}

/// `doc` (the previous document, or [`merged`] before the last edits) with the update's
/// objects, version and identifiers.
fn overlay(doc: &mut Document, update: &IncrementalDocument) {
    for (id, object) in &update.new_document.objects {
        doc.objects.insert(*id, object.clone());
    }
    doc.version = update.new_document.version.clone();
    if let Ok(Object::Array(ids)) = update.new_document.trailer.get(b"ID") {
        doc.trailer.set("ID", Object::Array(ids.clone()));
    }
}

/// The file with the update written after it, every stream's end unambiguous.
fn save(mut update: IncrementalDocument) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    update.save_to(&mut out).context("cannot write the PDF")?;
    stream_ends::unambiguous(out)
}
