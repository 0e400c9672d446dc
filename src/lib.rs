//! cityreport: the Moving Cities city report PDFs, from structured data, with Typst as a
//! library.
//!
//! The pipeline runs one way, one folder per stage; each stage imports only the stages above
//! it in this list (and [`diagnostics`], which every stage uses):
//!
//! ```text
//! data/     data/ ─▶ validated data: site, cities, texts, fixed strings, Markdown
//! report/   (city, language) ─▶ Report (or a Bundle), the data the templates receive; the kind of file
//! typeset/  a document's data ─▶ laid-out pages (Typst), proofed ─▶ PDF as Typst writes it
//! finish/   that PDF ─▶ the file its kind declares (PDF/X-4, links, streams), in one update
//! make/     the one path of every file: a report or a bundle, any kind, a booklet on top
//! project   the API: open a project, load a city, make a report, a bundle, a file
//! publish/  many reports ─▶ out/ and manifest.json, incremental and atomic
//! edit/     the editors' tools: watch, new, translate
//! ```
//!
//! Typst and every stage from `typeset` on are behind the default feature `typeset`; without
//! it the crate is the data and report stages alone (what the fuzz crate builds).
//!
//! [`Project`] is the public entry point: open a project folder, then render one report or
//! build many. The command line (`src/cli/`) is one user of it.

// Every public item documented, and nothing `pub` that cannot be reached (CI denies warnings).
#![warn(missing_docs, unreachable_pub)]

pub mod data;
pub mod diagnostics;
#[cfg(feature = "typeset")]
pub mod edit;
#[cfg(feature = "typeset")]
pub mod finish;
#[cfg(feature = "typeset")]
pub mod make;
#[cfg(feature = "typeset")]
pub mod publish;
pub mod report;
#[doc(hidden)]
pub mod synth;
#[cfg(feature = "typeset")]
pub mod typeset;

#[cfg(feature = "typeset")]
mod project;

pub use diagnostics::{Diagnostic, Diagnostics};
#[cfg(feature = "typeset")]
pub use project::{OpenError, Project, Selection, Shard};
pub use report::contract::Report;
pub use report::output::Output;
#[cfg(feature = "typeset")]
pub use typeset::render::Rendered;
