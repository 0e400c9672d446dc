//! The data stages of cityreport, compiled straight from `../src` for fuzzing.
//!
//! The modules keep the paths they have in the main crate (`crate::diagnostics`,
//! `crate::markdown`, `crate::model`), so their `use crate::…` lines resolve unchanged. The
//! `cityreport` crate itself is not a dependency: it pulls in Typst, far too slow to build with
//! sanitizers. Only some functions are called from the fuzz targets, hence the allows.
#![allow(dead_code, unused, rustdoc::broken_intra_doc_links)]

#[path = "../../src/diagnostics.rs"]
pub mod diagnostics;
#[path = "../../src/markdown.rs"]
pub mod markdown;
// `mod i18n;` inside resolves to ../../src/model/i18n.rs: child modules of a `#[path]` file are
// looked up in that file's directory.
#[path = "../../src/model/mod.rs"]
pub mod model;

use std::path::Path;

use codespan_reporting::term::termcolor::NoColor;

pub use diagnostics::{Diagnostic, Diagnostics};

/// Shows every diagnostic both ways the binary does: the short one-line form
/// (`Diagnostic`'s `Display`) and the codespan-reporting form with the offending line and a
/// caret (`Diagnostic::emit`). A byte range that is out of bounds or not on a character boundary
/// panics in the latter. Each is done once per diagnostic: the display, not the parsing, is
/// most of a run's time.
pub fn exercise(diagnostics: &[Diagnostic]) {
    let mut out = NoColor::new(Vec::new());
    for d in diagnostics {
        assert!(!d.to_string().is_empty());
        d.emit(&mut out).expect("emitting a diagnostic into a Vec<u8> does not fail");
    }
}

/// The same for a [`Diagnostics`], through its own `Display` and `emit` (which show each
/// diagnostic in turn).
pub fn exercise_all(diagnostics: &Diagnostics) {
    assert!(diagnostics.0.is_empty() || !diagnostics.to_string().is_empty());
    let mut out = NoColor::new(Vec::new());
    diagnostics.emit(&mut out).expect("emitting diagnostics into a Vec<u8> does not fail");
}

/// A `SourceRef` whose whole text is `text`, at offset 0.
pub fn source(path: &str, text: &str) -> markdown::SourceRef {
    markdown::SourceRef { path: path.into(), text: text.into(), offset: 0 }
}

/// Runs the three Markdown entry points on `text`.
pub fn fuzz_markdown(text: &str) {
    let src = source("fuzz.md", text);
    if let Err(d) = markdown::convert_body(&src, text, "fn:en:") {
        exercise_all(&d);
    }
    if let Err(d) = markdown::convert_inline(&src, text) {
        exercise_all(&d);
    }
    if let Err(d) = markdown::convert_blocks(&src, text) {
        exercise_all(&d);
    }
}

/// Parses `text` as a whole `<lang>.md`.
pub fn fuzz_front_matter(text: &str) {
    if let Err(d) = model::parse_text(Path::new("data/cities/fuzz/en.md"), text.into(), "en") {
        exercise_all(&d);
    }
}

/// Parses `text` as a `data/i18n/<lang>.toml`.
pub fn fuzz_i18n(text: &str) {
    if let Err(d) = model::Strings::parse(Path::new("data/i18n/en.toml"), &text.into()) {
        exercise(&d);
    }
}
