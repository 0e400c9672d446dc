//! The document tree the Markdown becomes: blocks ([`Block`]) and running text ([`Inline`]),
//! grouped into numbered [`Section`]s, with the pictures ([`Figure`]) and tables ([`Table`])
//! they hold; the walks over it the later stages use too ([`walk_block_inlines`],
//! [`plain_text`]), and the small rewrites the conversion makes of runs of inlines.

use std::ops::Range;

use serde::Serialize;

/// The section ids with a meaning of their own (README, "Writing a city report").
pub mod ids {
    /// The section that also shows the key-takeaway boxes, the quote and the key figures.
    pub const ABSTRACT: &str = "abstract";
    /// The update section; a heading without a title is titled from `data/i18n`.
    pub const UPDATE: &str = "update";
}

/// A block of prose.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its text.
        content: Vec<Inline>,
    },
    /// An unnumbered sub-heading (`###`), not in the contents.
    Heading {
        /// Its text.
        content: Vec<Inline>,
    },
    /// A bullet (or numbered) list; each item is a list of blocks.
    List {
        /// `1.` rather than `-`.
        ordered: bool,
        /// The items, each its blocks.
        items: Vec<Vec<Block>>,
    },
    /// A block quotation.
    Quote {
        /// What is quoted.
        content: Vec<Block>,
    },
    /// A picture on a paragraph of its own.
    Figure(Figure),
    /// A table.
    Table(Table),
}

/// A picture: `![alt](file "caption")` alone in a paragraph. Its file, size and credit are
/// found by the data stage ([`crate::data::Images`]) and placed by the report stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The file as written: a name in the city's folder or in `data/images/`.
    pub file: String,
    /// What the picture shows, for readers who cannot see it (the PDF's alt text); empty only
    /// for a picture `city.toml` calls decorative.
    pub alt: String,
    /// The caption (the image's title in Markdown), printed under the picture; may be empty.
    pub caption: Vec<Inline>,
    /// Where the picture goes and what it holds, filled in by the report stage.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub placed: Option<Placed>,
    /// Where the image is written, for errors about it.
    #[serde(skip)]
    pub span: Range<usize>,
}

/// A picture as the templates place it: the file the World serves, its size on the page and
/// its credit line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placed {
    /// The virtual file the templates read (`/images/<hash>`).
    pub path: String,
    /// Its width on the page, in millimetres.
    pub width: f64,
    /// Its height on the page, in millimetres.
    pub height: f64,
    /// The credit line (photographer or source, licence); empty for a decorative picture.
    pub credit: String,
    /// A picture that says nothing (an ornament): no alt text, an artifact in the PDF's tags.
    pub decorative: bool,
}

/// A GitHub-flavoured Markdown table: a header row, then body rows, every row as many cells
/// as the header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Each column's alignment: `left`, `center` or `right` as the delimiter row says
    /// (`:--`, `:-:`, `--:`); a column without one is `right` when every cell of its body is a
    /// number (`1,398,765`, `12 %`, `−3.5`), else `left`.
    pub align: Vec<&'static str>,
    /// The header row: repeated at the top of each page the table runs onto.
    pub header: Vec<Vec<Inline>>,
    /// The body rows.
    pub rows: Vec<Vec<Vec<Inline>>>,
    /// Where the table is written, for errors about it.
    #[serde(skip)]
    pub span: Range<usize>,
}

/// A piece of running text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Inline {
    /// Literal text: printed exactly as written.
    Text {
        /// The characters.
        text: String,
    },
    /// `*…*` or `_…_`.
    Emph {
        /// What is emphasised.
        content: Vec<Inline>,
    },
    /// `**…**`.
    Strong {
        /// What is bold.
        content: Vec<Inline>,
    },
    /// `` `…` ``, printed in a monospaced face.
    Code {
        /// The characters, as typed.
        text: String,
    },
    /// A link or autolink (`<https://…>`).
    Link {
        /// The address (http, https or mailto).
        url: String,
        /// What the reader sees.
        content: Vec<Inline>,
    },
    /// The first reference to a footnote: the footnote's text, placed here. `again` when a
    /// [`Inline::FootnoteRef`] cites it later (only then does the template label it: labels
    /// cost Typst an introspection pass). `key` names the note in its report (`milan/17`, the
    /// 17th note in reading order), set by `localize`: the templates read the note's text from
    /// a file of that name, so that the note itself holds no text (see ARCHITECTURE.md, "Layout reuse").
    Footnote {
        /// Unique in the PDF (prefixed by the language).
        label: String,
        /// The note's text.
        content: Vec<Inline>,
        /// Whether it is cited again later.
        again: bool,
        /// Its name in the report.
        key: String,
    },
    /// A further reference to a footnote already placed: the same number again.
    FootnoteRef {
        /// The label of the footnote cited.
        label: String,
    },
    /// A hard line break (two spaces or `\` at the end of a line).
    Linebreak,
}

/// A numbered heading and the prose under it, up to the next numbered heading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// The id written as `{#id}`.
    pub id: String,
    /// 1 for `#`, 2 for `##`.
    pub level: u8,
    /// The heading text (may be empty, e.g. for the update section titled by the template).
    pub title: Vec<Inline>,
    /// The italic lead paragraph, if the section starts with one.
    pub lead: Option<Vec<Inline>>,
    /// Everything else.
    pub blocks: Vec<Block>,
    /// Where the heading is, for later errors about this section.
    pub span: Range<usize>,
}

/// Calls `f` on every run of inlines of `block` (paragraphs, headings, list items, quotes,
/// a figure's caption, table cells), in reading order.
pub(crate) fn walk_block_inlines(block: &mut Block, f: &mut dyn FnMut(&mut Vec<Inline>)) {
    match block {
        Block::Paragraph { content } | Block::Heading { content } => f(content),
        Block::List { items, .. } => {
            for item in items {
                for b in item {
                    walk_block_inlines(b, f);
                }
            }
        }
        Block::Quote { content } => {
            for b in content {
                walk_block_inlines(b, f);
            }
        }
        Block::Figure(figure) => f(&mut figure.caption),
        Block::Table(table) => {
            for cell in table.header.iter_mut().chain(table.rows.iter_mut().flatten()) {
                f(cell);
            }
        }
    }
}

/// Whether some of `inlines` is a footnote (or inside emphasis, bold or a link).
pub(super) fn has_footnote(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Footnote { .. } | Inline::FootnoteRef { .. } => true,
        Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
            has_footnote(content)
        }
        _ => false,
    })
}

/// Joins adjacent text runs (pulldown-cmark splits text at escapes and entities).
pub(super) fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        if let (Some(Inline::Text { text: prev }), Inline::Text { text }) = (out.last_mut(), &inline) {
            prev.push_str(text);
            continue;
        }
        out.push(inline);
    }
    out
}

/// `inlines` without the spaces at their end (and without a last text that was only spaces).
pub(super) fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text { text }) = inlines.last_mut() {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        if text.is_empty() {
            inlines.pop();
        }
    }
    inlines
}

/// The plain text of some inlines, without footnotes (for PDF metadata and messages).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => {
                s.extend(text.chars().filter(|c| !matches!(c, '\u{200B}' | '\u{AD}')))
            }
            Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                s.push_str(&plain_text(content))
            }
            Inline::Linebreak => s.push(' '),
            Inline::Footnote { .. } | Inline::FootnoteRef { .. } => {}
        }
    }
    s
}
