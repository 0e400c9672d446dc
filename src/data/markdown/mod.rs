//! Markdown prose → document tree (blocks, inlines, footnotes), as data.
//!
//! This stage owns the Markdown conventions of a city report (see the README, "Writing a
//! city report"): `#` numbered sections and `##` numbered sub-sections, each with an id
//! (`{#reception}`); `###` unnumbered sub-headings; a paragraph written entirely in `*…*`
//! right after a numbered heading is that section's lead; footnotes are `[^label]` with
//! `[^label]: text` definitions. The tree it produces is serialised to JSON and walked by the
//! templates; no text ever becomes Typst source, so every character prints as typed.
//!
//! A picture is a paragraph of its own, `![alt](file "caption")` ([`Figure`]); a table is a
//! GitHub-flavoured Markdown table ([`Table`]). Anything the report cannot show (code blocks,
//! raw HTML blocks, an image inside a line of text) is a located error rather than something
//! silently dropped.
//!
//! The entry points are here: [`convert_body`] for a report's body, [`convert_inline`] for a
//! front-matter field, [`convert_blocks`] for a closing note. The rest is one concept a file:
//! `tree` (the types of the tree, and walks over it), `convert` (the reading of
//! pulldown-cmark's events into the tree), `sections` (numbered headings and leads),
//! `footnotes` (definitions and their citations), `tables` and `breaks` (the rule for break
//! opportunities in long runs of characters, which the report stage inserts).

use pulldown_cmark::{Event, Parser};

use crate::diagnostics::{Diagnostics, Place};

mod breaks;
mod convert;
mod footnotes;
mod sections;
mod tables;
#[cfg(test)]
mod tests;
mod tree;

pub use breaks::{
    LONGEST_RUN, LONGEST_WORD, break_long_runs, insert_block_break_points, insert_break_points,
};
pub use footnotes::{MAX_FOOTNOTE_WORDS, MAX_FOOTNOTES};
pub use sections::is_section_id;
pub use tables::{MAX_TABLE_COLUMNS, MAX_TABLE_ROWS};
pub(crate) use tree::walk_block_inlines;
pub use tree::{Block, Figure, Inline, Placed, Section, Table, ids, plain_text};

use convert::{TopLevel, TreeBuilder};

/// The longest address a link may have: what browsers and servers reliably take.
pub const MAX_URL_CHARS: usize = 2000;

/// How deep lists, quotes and emphasis may nest.
pub const MAX_NESTING: usize = 12;

/// Converts a report body into its numbered sections.
///
/// `footnote_prefix` makes footnote labels unique within one PDF, where parts from several
/// files (languages) meet.
pub fn convert_body(src: &Place, body: &str, footnote_prefix: &str) -> Result<Vec<Section>, Diagnostics> {
    let mut builder = TreeBuilder::new(src);
    let blocks = builder.blocks(body);
    let mut errors = std::mem::take(&mut builder.errors);
    let mut sections = sections::into_sections(blocks, src, &mut errors);
    footnotes::place_footnotes(&mut sections, builder, body, footnote_prefix, &mut errors);
    if errors.is_empty() {
        Ok(sections)
    } else {
        errors.sort_by_key(|d| d.range.start);
        Err(Diagnostics(errors))
    }
}

/// Converts a short piece of Markdown (a front-matter field) into inlines: one paragraph,
/// no headings, lists or footnotes.
pub fn convert_inline(src: &Place, text: &str) -> Result<Vec<Inline>, Diagnostics> {
    let mut builder = TreeBuilder::new(src);
    let blocks = builder.blocks(text);
    let mut errors = std::mem::take(&mut builder.errors);
    if !builder.footnotes.is_empty() || !builder.refs.is_empty() {
        errors.push(
            src.error(0..text.len(), "footnotes are not allowed here")
                .hint("footnotes belong in the Markdown body"),
        );
    }
    let mut out = Vec::new();
    for (i, item) in blocks.into_iter().enumerate() {
        match item {
            TopLevel::Block(Block::Paragraph { content }, _) if i == 0 => out = content,
            TopLevel::Block(_, span) | TopLevel::Numbered { span, .. } => {
                errors.push(src.error(span, "only one paragraph of text is allowed here").hint(
                    "write this field as a single paragraph; emphasis, bold, links and `code` are fine",
                ))
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Diagnostics(errors)) }
}

/// Converts Markdown with several paragraphs and lists (e.g. the closing note), no headings
/// or footnotes.
pub fn convert_blocks(src: &Place, text: &str) -> Result<Vec<Block>, Diagnostics> {
    let mut builder = TreeBuilder::new(src);
    let items = builder.blocks(text);
    let mut errors = std::mem::take(&mut builder.errors);
    if !builder.footnotes.is_empty() || !builder.refs.is_empty() {
        errors.push(src.error(0..text.len(), "footnotes are not allowed here"));
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            TopLevel::Block(block, _) => out.push(block),
            TopLevel::Numbered { span, .. } => {
                errors.push(src.error(span, "numbered headings are not allowed here"))
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Diagnostics(errors)) }
}

/// What a character reference (`&#x41;`, `&eacute;`) stands for, as Markdown reads it; the
/// reference itself when it is none.
pub(crate) fn decode_reference(reference: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(reference) {
        if let Event::Text(t) = event {
            out.push_str(&t);
        }
    }
    out
}
