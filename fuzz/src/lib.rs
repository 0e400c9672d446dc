//! The data stages of cityreport, for fuzzing: the `cityreport` library built without its
//! default feature `typeset` (no Typst), and the checks every target makes of what they return.

pub use cityreport::{data, diagnostics};

use std::collections::HashSet;
use std::path::Path;

use codespan_reporting::term::termcolor::NoColor;

pub use diagnostics::{Diagnostic, Diagnostics};
use data::markdown::{Block, Inline, Section};

/// Shows every diagnostic both ways the binary does: the short one-line form
/// (`Diagnostic`'s `Display`) and the codespan-reporting form with the offending line and a
/// caret (`Diagnostic::emit`). A byte range that is out of bounds or not on a character boundary
/// panics in the latter. Each is done once per diagnostic: the display, not the parsing, is
/// most of a run's time.
///
/// Also checked: a stage that fails says why (at least one error, not only warnings). With the
/// `strict-ranges` feature, every range must also lie on character boundaries of its text:
/// codespan-reporting does not panic on one that does not, but shows a wrong line and column.
pub fn exercise(diagnostics: &[Diagnostic]) {
    assert!(diagnostics.iter().any(|d| !d.warning), "an Err without an error: {diagnostics:?}");
    let mut out = NoColor::new(Vec::new());
    for d in diagnostics {
        check_range(d);
        assert!(!d.to_string().is_empty());
        d.emit(&mut out).expect("emitting a diagnostic into a Vec<u8> does not fail");
    }
}

/// The same for a [`Diagnostics`], through its own `Display` and `emit` (which show each
/// diagnostic in turn).
pub fn exercise_all(diagnostics: &Diagnostics) {
    assert!(diagnostics.has_errors(), "an Err without an error: {diagnostics:?}");
    diagnostics.0.iter().for_each(check_range);
    assert!(!diagnostics.to_string().is_empty());
    let mut out = NoColor::new(Vec::new());
    diagnostics.emit(&mut out).expect("emitting diagnostics into a Vec<u8> does not fail");
}

fn check_range(d: &Diagnostic) {
    if cfg!(feature = "strict-ranges")
        && let Some(text) = &d.text
    {
        assert!(
            text.get(d.range.clone()).is_some(),
            "range {:?} is not on character boundaries of the text ({} bytes): {d}",
            d.range,
            text.len()
        );
    }
}

/// The whole file `path` whose text is `text`.
pub fn source(path: &str, text: &str) -> cityreport::diagnostics::Place {
    cityreport::diagnostics::Place::file(path, text.into())
}

/// Runs the three Markdown entry points on `text`.
pub fn fuzz_markdown(text: &str) {
    let src = source("fuzz.md", text);
    match data::markdown::convert_body(&src, text, "fn:en:") {
        Ok(sections) => check_sections(&sections, text, "fn:en:"),
        Err(d) => exercise_all(&d),
    }
    match data::markdown::convert_inline(&src, text) {
        Ok(inlines) => check_no_footnotes(&inlines),
        Err(d) => exercise_all(&d),
    }
    match data::markdown::convert_blocks(&src, text) {
        Ok(blocks) => blocks.iter().for_each(|b| for_block_inlines(b, &mut |i| check_no_footnotes(i))),
        Err(d) => exercise_all(&d),
    }
}

/// Parses `text` as a whole `<lang>.md`.
pub fn fuzz_front_matter(text: &str) {
    match data::parse_text(Path::new("data/cities/fuzz/en.md"), text.into(), "en") {
        Ok(t) => {
            let body = &t.source.text[t.source.start()..];
            check_sections(&t.sections, body, "fn:en:");
            for inlines in t.tagline.iter().chain(t.takeaways.iter().flatten()).chain(t.location.iter()) {
                check_no_footnotes(inlines);
            }
        }
        Err(d) => exercise_all(&d),
    }
}

/// Parses `text` as a `data/i18n/<lang>.toml`.
pub fn fuzz_i18n(text: &str) {
    match data::Strings::parse(Path::new("data/i18n/en.toml"), &text.into()) {
        Ok(s) => {
            for f in data::FIXED {
                let _ = s.get(f.key);
            }
        }
        Err(d) => exercise(&d),
    }
}

/// What later stages rely on in a converted body: unique non-empty ids, levels 1 and 2,
/// heading spans inside the body, and footnotes that are all resolved, prefixed, placed once
/// and placed before any further reference to them (which then finds them labelled).
fn check_sections(sections: &[Section], body: &str, prefix: &str) {
    let mut ids = HashSet::new();
    let mut placed: HashSet<String> = HashSet::new();
    let mut labelled: HashSet<String> = HashSet::new();
    for s in sections {
        assert!(!s.id.is_empty(), "a section without an id in an Ok result");
        assert!(ids.insert(s.id.as_str()), "section id `{}` twice in an Ok result", s.id);
        assert!(s.level == 1 || s.level == 2, "section level {}", s.level);
        assert!(body.get(s.span.clone()).is_some(), "section span {:?} outside the body", s.span);
        let mut check = |inlines: &[Inline]| check_footnotes(inlines, prefix, &mut placed, &mut labelled);
        check(&s.title);
        if let Some(lead) = &s.lead {
            check(lead);
        }
        for b in &s.blocks {
            for_block_inlines(b, &mut check);
        }
    }
}

fn check_footnotes(inlines: &[Inline], prefix: &str, placed: &mut HashSet<String>, labelled: &mut HashSet<String>) {
    for inline in inlines {
        match inline {
            Inline::Footnote { label, content, again, .. } => {
                assert!(label.starts_with(prefix), "footnote label `{label}` without the prefix");
                assert!(placed.insert(label.clone()), "footnote `{label}` placed twice");
                if *again {
                    labelled.insert(label.clone());
                }
                check_footnotes(content, prefix, placed, labelled);
            }
            Inline::FootnoteRef { label } => {
                assert!(label.starts_with(prefix), "footnote reference `{label}` unresolved");
                assert!(labelled.contains(label), "reference to footnote `{label}` before it is placed with a label");
            }
            Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                check_footnotes(content, prefix, placed, labelled)
            }
            Inline::Text { .. } | Inline::Code { .. } | Inline::Linebreak => {}
        }
    }
}

fn check_no_footnotes(inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Footnote { .. } | Inline::FootnoteRef { .. } => panic!("a footnote where none is allowed"),
            Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                check_no_footnotes(content)
            }
            _ => {}
        }
    }
}

fn for_block_inlines(block: &Block, f: &mut dyn FnMut(&[Inline])) {
    match block {
        Block::Paragraph { content } | Block::Heading { content } => f(content),
        Block::List { items, .. } => items.iter().flatten().for_each(|b| for_block_inlines(b, f)),
        Block::Quote { content } => content.iter().for_each(|b| for_block_inlines(b, f)),
        Block::Figure(figure) => f(&figure.caption),
        Block::Table(table) => table.header.iter().chain(table.rows.iter().flatten()).for_each(|c| f(c)),
    }
}
