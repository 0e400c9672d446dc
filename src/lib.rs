//! cityreport: the Moving Cities city report PDFs, from structured data, with Typst as a
//! library.
//!
//! The pipeline runs one way, one folder per stage; each stage imports only the stages above
//! it in this list (and [`diagnostics`], which every stage uses):
//!
//! ```text
//! data/     data/ ─▶ validated data: site, cities, texts, fixed strings, Markdown
//! report/   (city, language) ─▶ Report, the data the templates receive; the kind of file
//! typeset/  Report ─▶ laid-out pages (Typst), proofed ─▶ PDF
//! print/    booklets and bundles, made from typeset reports
//! publish/  many reports ─▶ out/ and manifest.json, incremental and atomic
//! edit/     the editors' tools: watch, new, translate
//! ```
//!
//! [`Project`] is the public entry point: open a project folder, then render one report or
//! build many. The command line (`src/cli/`) is one user of it.

// Every public item documented, and nothing `pub` that cannot be reached (CI denies warnings).
#![warn(missing_docs, unreachable_pub)]

pub mod data;
pub mod diagnostics;
pub mod edit;
pub mod print;
pub mod publish;
pub mod report;
#[doc(hidden)]
pub mod synth;
pub mod typeset;

mod project;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use project::{OpenError, Project};
pub use report::localize::Report;
pub use report::output::Output;
pub use typeset::render::Rendered;
