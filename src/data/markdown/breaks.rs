//! Break opportunities in long runs of characters: a hash, an identifier or a word longer than
//! any language's gets an invisible break point every so many characters, so that it breaks
//! inside the text area instead of running off the page.
//!
//! This is the rule; the data stage inserts no break point into the tree it converts. The
//! report stage inserts them into every text the templates receive (`report::localize`,
//! through `report::typography::break_runs`). The data stage applies the rule only where it
//! must reproduce the text as it was converted when the insertion was the data stage's: the
//! versions translations record of a part ([`crate::data::Part::hash_in`]), and a quote's text
//! before its own quotation marks go (where the marks ended a run, the break points stay where
//! the run with its marks had them).

use super::tree::walk_block_inlines;
use super::{Block, Inline};

/// Runs of more characters than this without a break opportunity, that are not words, get one
/// (a zero-width space every so many characters), so a hash or an identifier breaks inside the
/// text area instead of running off the page; the templates turn it into a break opportunity
/// that leaves no character in the PDF. Words (runs of letters) are left whole: they hyphenate
/// by their language's patterns, and a soft hyphen inserted into them would break ordinary
/// compounds at the wrong place and stay in the PDF's text.
pub const LONGEST_RUN: usize = 30;

/// A word longer than this is no word of any language the site publishes (German's famous
/// longest, the Danube steamship company's, has 81 letters): it gets break opportunities like
/// any other run, for where it cannot hyphenate (a heading, the contents, a box) it would run
/// off the page.
pub const LONGEST_WORD: usize = 100;

/// Break opportunities ([`break_long_runs`]) in every text and code of `inlines`, except the
/// text of links (Typst breaks links at their punctuation, and an address must stay exactly
/// as written). Inserting them twice changes nothing.
pub fn insert_break_points(inlines: &mut [Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => {
                if text.chars().count() > LONGEST_RUN {
                    *text = break_long_runs(text);
                }
            }
            Inline::Emph { content } | Inline::Strong { content } | Inline::Footnote { content, .. } => {
                insert_break_points(content)
            }
            Inline::Link { .. } | Inline::FootnoteRef { .. } | Inline::Linebreak => {}
        }
    }
}

/// [`insert_break_points`] in every run of inlines of `blocks` (paragraphs, headings, list
/// items, quotes, captions, table cells).
pub fn insert_block_break_points(blocks: &mut [Block]) {
    for block in blocks {
        walk_block_inlines(block, &mut |inlines| insert_break_points(inlines));
    }
}

/// `text` with a break opportunity (U+200B) after every [`LONGEST_RUN`] characters of each
/// run that has none and is not a word (letters, marks and apostrophes).
pub fn break_long_runs(text: &str) -> String {
    let breaks = |c: char| c.is_whitespace() || matches!(c, '-' | '/' | '\u{200B}' | '\u{AD}');
    let is_word = |run: &str| run.chars().all(|c| c.is_alphabetic() || matches!(c, '\'' | '’') || is_mark(c));
    let mut out = String::with_capacity(text.len() + text.len() / LONGEST_RUN * 3);
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(breaks).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        let length = run.chars().count();
        if length > LONGEST_WORD || (length > LONGEST_RUN && !is_word(run)) {
            for (i, c) in run.chars().enumerate() {
                if i > 0 && i % LONGEST_RUN == 0 {
                    out.push('\u{200B}');
                }
                out.push(c);
            }
        } else {
            out.push_str(run);
        }
        let sep = after.chars().next().map_or(0, char::len_utf8);
        out.push_str(&after[..sep]);
        rest = &after[sep..];
    }
    out
}

/// A combining mark (accents written as separate characters).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}
