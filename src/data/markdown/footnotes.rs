//! Footnotes: `[^label]` citations and `[^label]: text` definitions. A definition is read as
//! the body is ([`TreeBuilder::close_footnote`]); once the body is read, its first citation
//! becomes the note itself ([`Inline::Footnote`]) and every later one a reference to it
//! ([`Inline::FootnoteRef`]), with an error for each citation of nothing and each definition
//! cited nowhere.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::diagnostics::Diagnostic;

use super::convert::TreeBuilder;
use super::tree::walk_block_inlines;
use super::{Block, Inline, Section, plain_text};
use crate::diagnostics::Place;

/// The longest footnote: a note must fit at the foot of the page that cites it (a longer one
/// would be set on other pages than its citation).
pub const MAX_FOOTNOTE_WORDS: usize = 250;

/// The most footnotes one file may define (typesetting time and memory grow with them).
pub const MAX_FOOTNOTES: usize = 1000;

/// A footnote's definition, `[^label]: text`.
pub(super) struct FootnoteDef {
    /// Its text (several paragraphs joined by line breaks).
    pub(super) content: Vec<Inline>,
    /// Where it is written.
    pub(super) span: Range<usize>,
}

impl TreeBuilder<'_> {
    /// A footnote definition: a run of text (several paragraphs joined by line breaks),
    /// defined once.
    pub(super) fn close_footnote(&mut self, label: String, blocks: Vec<Block>, span: Range<usize>) {
        // A footnote is a run of text; several paragraphs are joined by line breaks.
        let mut content = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph { content: c } => {
                    if !content.is_empty() {
                        content.push(Inline::Linebreak);
                    }
                    content.extend(c);
                }
                _ => {
                    self.errors.push(self.src.error(
                        span.clone(),
                        "footnotes may contain only text, not lists, quotes or headings",
                    ))
                }
            }
        }
        let reported = self.html.iter().any(|h| span.start <= h.start && h.start < span.end);
        if content.is_empty() && !reported {
            self.errors.push(self.src.error(span.clone(), format!("footnote `[^{label}]` is empty")));
        }
        if let Some(first) = self.footnotes.get(&label) {
            let (line, _) =
                crate::diagnostics::line_column(&self.src.text, first.span.start + self.src.start());
            self.errors.push(self.src.error(
                span.clone(),
                format!("footnote `[^{label}]` is defined twice (first on line {line})"),
            ));
        } else {
            self.footnotes.insert(label, FootnoteDef { content, span });
        }
    }
}

/// Resolves the footnotes of `sections`, which `builder` read from `body`: every citation
/// defined, every definition cited, not more than [`MAX_FOOTNOTES`] (a page can carry only so
/// many in a report of this size). `prefix` makes the labels unique within one PDF.
pub(super) fn place_footnotes(
    sections: &mut [Section],
    builder: TreeBuilder<'_>,
    body: &str,
    prefix: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let src = builder.src;
    let mut defs = builder.footnotes;
    // Definitions an HTML block swallowed count as written: its error says what went wrong.
    for html in &builder.html {
        for label in body[html.clone()].lines().filter_map(|l| l.strip_prefix("[^")?.split_once("]:")) {
            defs.entry(label.0.to_string())
                .or_insert(FootnoteDef { content: Vec::new(), span: html.clone() });
        }
    }
    errors.extend(too_many_footnotes(&defs, src));
    let mut resolver =
        Resolver { defs: &defs, refs: &builder.refs, used: HashMap::new(), src, prefix, errors };
    for section in sections {
        let mut resolve = |inlines: &mut Vec<Inline>| resolver.resolve(inlines);
        resolve(&mut section.title);
        if let Some(lead) = &mut section.lead {
            resolve(lead);
        }
        for block in &mut section.blocks {
            walk_block_inlines(block, &mut resolve);
        }
    }
    let used = resolver.used;
    for (label, def) in defs.iter().filter(|(label, _)| !used.contains_key(*label)) {
        errors.push(
            src.error(def.span.clone(), format!("footnote `[^{label}]` is defined but never cited"))
                .hint(format!("cite it with `[^{label}]` where it belongs, or delete the definition")),
        );
    }
}

/// An error when `defs` holds more than [`MAX_FOOTNOTES`], at the first definition past the
/// limit in the file's order.
fn too_many_footnotes(defs: &BTreeMap<String, FootnoteDef>, src: &Place) -> Option<Diagnostic> {
    if defs.len() <= MAX_FOOTNOTES {
        return None;
    }
    let mut spans: Vec<Range<usize>> = defs.values().map(|d| d.span.clone()).collect();
    spans.sort_by_key(|r| r.start);
    let span = spans.get(MAX_FOOTNOTES).cloned().unwrap_or(0..0);
    Some(
        src.error(
            span,
            format!("the file defines {} footnotes; a report may have at most {MAX_FOOTNOTES}", defs.len()),
        )
        .hint("Milan's report has 31: cite a source once and refer to it again with the same label"),
    )
}

/// The footnotes of one body while its citations are resolved, in reading order.
struct Resolver<'a> {
    /// The definitions, by label.
    defs: &'a BTreeMap<String, FootnoteDef>,
    /// The citations of each label, in the order written.
    refs: &'a HashMap<String, Vec<Range<usize>>>,
    /// Every label cited so far, and whether it is defined.
    used: HashMap<String, bool>,
    /// The Markdown, for errors.
    src: &'a Place,
    /// What makes the labels unique within one PDF.
    prefix: &'a str,
    /// The errors found.
    errors: &'a mut Vec<Diagnostic>,
}

impl Resolver<'_> {
    /// Replaces each citation in `inlines` (and in emphasis, bold and links): the first of a
    /// label by the note itself, a later one by a reference to it.
    fn resolve(&mut self, inlines: &mut [Inline]) {
        for inline in inlines.iter_mut() {
            match inline {
                Inline::FootnoteRef { label } => {
                    let raw = label.clone();
                    match self.defs.get(&raw) {
                        Some(def) => *inline = self.cite(raw, def),
                        None => self.undefined(raw),
                    }
                }
                Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                    self.resolve(content)
                }
                _ => {}
            }
        }
    }

    /// A citation of `raw`, defined as `def`: the note at its first citation (its own
    /// citations resolved, its length checked), a reference to it after.
    fn cite(&mut self, raw: String, def: &FootnoteDef) -> Inline {
        let full = format!("{}{raw}", self.prefix);
        if self.used.insert(raw.clone(), true).is_some() {
            return Inline::FootnoteRef { label: full };
        }
        let words = plain_text(&def.content).split_whitespace().count();
        if words > MAX_FOOTNOTE_WORDS {
            self.errors.push(
                self.src.error(def.span.clone(), format!("footnote `[^{raw}]` has {words} words; a footnote may have at most {MAX_FOOTNOTE_WORDS}"))
                    .hint("a footnote sits at the foot of the page that cites it and must fit there: keep the source in the note and move the text into the body"),
            );
        }
        let mut content = def.content.clone();
        self.resolve(&mut content);
        let again = self.refs.get(&raw).is_some_and(|r| r.len() > 1);
        Inline::Footnote { label: full, content, again, key: String::new() }
    }

    /// A citation of `raw`, which nothing defines: an error at its first citation, once.
    fn undefined(&mut self, raw: String) {
        if self.used.insert(raw.clone(), false).is_none() {
            let span = self.refs.get(&raw).and_then(|r| r.first().cloned()).unwrap_or(0..0);
            self.errors.push(
                self.src
                    .error(span, format!("footnote `[^{raw}]` is cited but not defined"))
                    .hint(format!("add a line `[^{raw}]: source` at the end of the file")),
            );
        }
    }
}
