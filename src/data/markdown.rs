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

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};

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

/// Where a piece of Markdown sits: its file, the file's text and the byte offset of the piece.
#[derive(Debug, Clone)]
pub struct SourceRef {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// The whole file.
    pub text: Arc<str>,
    /// Byte offset of the Markdown inside `text`.
    pub offset: usize,
}

impl SourceRef {
    /// An error at `range`, relative to this piece's offset.
    pub fn error(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(
            self.path.clone(),
            &self.text,
            range.start + self.offset..range.end + self.offset,
            message,
        )
    }
}

fn options() -> Options {
    // Old-style footnotes report a citation of an undefined footnote as a reference (GFM
    // style would print it as text).
    Options::ENABLE_OLD_FOOTNOTES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES
}

/// Converts a report body into its numbered sections.
///
/// `footnote_prefix` makes footnote labels unique within one PDF, where parts from several
/// files (languages) meet.
pub fn convert_body(src: &SourceRef, body: &str, footnote_prefix: &str) -> Result<Vec<Section>, Diagnostics> {
    let mut conv = Converter::new(src);
    let blocks = conv.blocks(body);
    let mut errors = std::mem::take(&mut conv.errors);
    let mut sections = into_sections(blocks, src, &mut errors);

    // Footnotes: every reference defined, every definition used; not more than a page can
    // carry in a report of this size.
    let mut defs = std::mem::take(&mut conv.footnotes);
    // Definitions an HTML block swallowed count as written: its error says what went wrong.
    for html in &conv.html {
        for label in body[html.clone()].lines().filter_map(|l| l.strip_prefix("[^")?.split_once("]:")) {
            defs.entry(label.0.to_string())
                .or_insert(FootnoteDef { content: Vec::new(), span: html.clone() });
        }
    }
    errors.extend(too_many_footnotes(&defs, src));
    let mut used: HashMap<String, bool> = HashMap::new();
    for section in &mut sections {
        let mut resolve = |inlines: &mut Vec<Inline>| {
            resolve_footnotes(inlines, &defs, &mut used, &conv.refs, src, footnote_prefix, &mut errors)
        };
        resolve(&mut section.title);
        if let Some(lead) = &mut section.lead {
            resolve(lead);
        }
        for block in &mut section.blocks {
            walk_block_inlines(block, &mut resolve);
        }
    }
    for (label, def) in defs.iter().filter(|(label, _)| !used.contains_key(*label)) {
        errors.push(
            src.error(def.span.clone(), format!("footnote `[^{label}]` is defined but never cited"))
                .hint(format!("cite it with `[^{label}]` where it belongs, or delete the definition")),
        );
    }
    if errors.is_empty() {
        Ok(sections)
    } else {
        errors.sort_by_key(|d| d.range.start);
        Err(Diagnostics(errors))
    }
}

/// The longest address a link may have: what browsers and servers reliably take.
pub const MAX_URL_CHARS: usize = 2000;

/// Whether `id` may name a section: a lower-case ASCII letter, then lower-case letters,
/// digits, `-` and `_` (the same in every language's file, and a TOML key as it is).
pub fn is_section_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The flat list of blocks split into sections at numbered headings: each section's id
/// unique, its lead found, no text before the first heading.
fn into_sections(blocks: Vec<Item>, src: &SourceRef, errors: &mut Vec<Diagnostic>) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut ids: HashMap<String, Range<usize>> = HashMap::new();
    for item in blocks {
        match item {
            Item::Numbered { level, id, title, span } => {
                match id {
                    None => {
                        errors.push(
                            src.error(span.clone(), "numbered heading without an id")
                                .hint("add an id in braces at the end of the heading, e.g. `## Milan’s reception approach {#reception}`; translations use the same id"),
                        );
                        // Keep the section so its text is not reported as misplaced too.
                        sections.push(Section { id: String::new(), level, title, lead: None, blocks: Vec::new(), span });
                    }
                    Some(id) => {
                        if !is_section_id(&id) {
                            let suggested: String = id
                                .to_lowercase()
                                .chars()
                                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
                                .collect();
                            errors.push(
                                src.error(span.clone(), format!("the section id `{id}` is not lower-case letters, digits, `-` and `_`"))
                                    .hint(format!("ids are written the same in every language, so they are kept simple: e.g. `{{#{suggested}}}`")),
                            );
                        }
                        if let Some(first) = ids.get(&id) {
                            let (line, _) = crate::diagnostics::line_column(&src.text, first.start + src.offset);
                            errors.push(src.error(span.clone(), format!("the section id `{id}` is used twice (first on line {line})")));
                        } else {
                            ids.insert(id.clone(), span.clone());
                        }
                        sections.push(Section { id, level, title, lead: None, blocks: Vec::new(), span });
                    }
                }
            }
            Item::Block(block, span) => match sections.last_mut() {
                Some(section) => {
                    if section.blocks.is_empty() && section.lead.is_none()
                        && let Some(lead) = as_lead(&block) {
                            section.lead = Some(lead);
                            continue;
                        }
                    section.blocks.push(block);
                }
                None => errors.push(
                    src.error(span, "text before the first section heading")
                        .hint("start the body with a numbered section, e.g. `# Abstract and Takeaways {#abstract}`; the cover, takeaways, quote and key figures go in the front matter"),
                ),
            },
        }
    }
    sections
}

/// An error when `defs` holds more than [`MAX_FOOTNOTES`], at the first definition past the
/// limit in the file's order.
fn too_many_footnotes(defs: &BTreeMap<String, FootnoteDef>, src: &SourceRef) -> Option<Diagnostic> {
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

/// Converts a short piece of Markdown (a front-matter field) into inlines: one paragraph,
/// no headings, lists or footnotes.
pub fn convert_inline(src: &SourceRef, text: &str) -> Result<Vec<Inline>, Diagnostics> {
    let mut conv = Converter::new(src);
    let blocks = conv.blocks(text);
    let mut errors = std::mem::take(&mut conv.errors);
    if !conv.footnotes.is_empty() || !conv.refs.is_empty() {
        errors.push(
            src.error(0..text.len(), "footnotes are not allowed here")
                .hint("footnotes belong in the Markdown body"),
        );
    }
    let mut out = Vec::new();
    for (i, item) in blocks.into_iter().enumerate() {
        match item {
            Item::Block(Block::Paragraph { content }, _) if i == 0 => out = content,
            Item::Block(_, span) | Item::Numbered { span, .. } => {
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
pub fn convert_blocks(src: &SourceRef, text: &str) -> Result<Vec<Block>, Diagnostics> {
    let mut conv = Converter::new(src);
    let items = conv.blocks(text);
    let mut errors = std::mem::take(&mut conv.errors);
    if !conv.footnotes.is_empty() || !conv.refs.is_empty() {
        errors.push(src.error(0..text.len(), "footnotes are not allowed here"));
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Block(block, _) => out.push(block),
            Item::Numbered { span, .. } => {
                errors.push(src.error(span, "numbered headings are not allowed here"))
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Diagnostics(errors)) }
}

/// The lead paragraph: a paragraph that is one emphasis (plus footnotes or spaces after it).
fn as_lead(block: &Block) -> Option<Vec<Inline>> {
    let Block::Paragraph { content } = block else { return None };
    let mut lead = None;
    let mut trailing = Vec::new();
    for inline in content {
        match inline {
            Inline::Emph { content } if lead.is_none() => lead = Some(content.clone()),
            Inline::Footnote { .. } | Inline::FootnoteRef { .. } if lead.is_some() => {
                trailing.push(inline.clone())
            }
            Inline::Text { text } if text.trim().is_empty() => {}
            _ => return None,
        }
    }
    let mut lead = lead?;
    lead.extend(trailing);
    Some(lead)
}

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

fn resolve_footnotes(
    inlines: &mut [Inline],
    defs: &BTreeMap<String, FootnoteDef>,
    used: &mut HashMap<String, bool>,
    refs: &HashMap<String, Vec<Range<usize>>>,
    src: &SourceRef,
    prefix: &str,
    errors: &mut Vec<Diagnostic>,
) {
    for inline in inlines.iter_mut() {
        match inline {
            Inline::FootnoteRef { label } => {
                let raw = label.clone();
                match defs.get(&raw) {
                    Some(def) => {
                        let full = format!("{prefix}{raw}");
                        if used.insert(raw.clone(), true).is_none() {
                            let words = plain_text(&def.content).split_whitespace().count();
                            if words > MAX_FOOTNOTE_WORDS {
                                errors.push(
                                    src.error(def.span.clone(), format!("footnote `[^{raw}]` has {words} words; a footnote may have at most {MAX_FOOTNOTE_WORDS}"))
                                        .hint("a footnote sits at the foot of the page that cites it and must fit there: keep the source in the note and move the text into the body"),
                                );
                            }
                            let mut content = def.content.clone();
                            resolve_footnotes(&mut content, defs, used, refs, src, prefix, errors);
                            let again = refs.get(&raw).is_some_and(|r| r.len() > 1);
                            *inline = Inline::Footnote { label: full, content, again, key: String::new() };
                        } else {
                            *inline = Inline::FootnoteRef { label: full };
                        }
                    }
                    None => {
                        // Report each undefined label once, at its first reference.
                        if used.insert(raw.clone(), false).is_none() {
                            let span = refs.get(&raw).and_then(|r| r.first().cloned()).unwrap_or(0..0);
                            errors.push(
                                src.error(span, format!("footnote `[^{raw}]` is cited but not defined"))
                                    .hint(format!("add a line `[^{raw}]: source` at the end of the file")),
                            );
                        }
                    }
                }
            }
            Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                resolve_footnotes(content, defs, used, refs, src, prefix, errors)
            }
            _ => {}
        }
    }
}

enum Item {
    Numbered { level: u8, id: Option<String>, title: Vec<Inline>, span: Range<usize> },
    Block(Block, Range<usize>),
}

struct FootnoteDef {
    content: Vec<Inline>,
    span: Range<usize>,
}

/// The longest footnote: a note must fit at the foot of the page that cites it (a longer one
/// would be set on other pages than its citation).
pub const MAX_FOOTNOTE_WORDS: usize = 250;

/// The most footnotes one file may define (typesetting time and memory grow with them).
pub const MAX_FOOTNOTES: usize = 1000;

/// How deep lists, quotes and emphasis may nest.
pub const MAX_NESTING: usize = 12;

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

/// Only these addresses become links in a published report.
fn is_published_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s) && lower.len() > s.len())
}

/// [`LONGEST_RUN`] applied to every text and code node, except the text of links (Typst breaks
/// links at their punctuation, and an address must stay exactly as written).
fn breakable(mut inlines: Vec<Inline>) -> Vec<Inline> {
    for inline in &mut inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => {
                if text.chars().count() > LONGEST_RUN {
                    *text = break_long_runs(text);
                }
            }
            Inline::Emph { content } | Inline::Strong { content } | Inline::Footnote { content, .. } => {
                *content = breakable(std::mem::take(content));
            }
            Inline::Link { .. } | Inline::FootnoteRef { .. } | Inline::Linebreak => {}
        }
    }
    inlines
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

/// Builds the tree from pulldown-cmark's event stream.
struct Converter<'s> {
    src: &'s SourceRef,
    errors: Vec<Diagnostic>,
    footnotes: BTreeMap<String, FootnoteDef>,
    refs: HashMap<String, Vec<Range<usize>>>,
    /// The HTML blocks reported: what they swallowed is not reported again.
    html: Vec<Range<usize>>,
    /// The image just closed in the paragraph being read: a figure if the paragraph holds
    /// nothing else.
    image: Option<Figure>,
}

/// One open container while walking the events.
enum Frame {
    Paragraph(Vec<Inline>),
    Heading {
        level: HeadingLevel,
        id: Option<String>,
        content: Vec<Inline>,
        span: Range<usize>,
        /// Braces at the end that hold no id: printed as typed.
        literal: Option<String>,
    },
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>, Vec<Inline>),
    Quote(Vec<Block>),
    Footnote {
        label: String,
        blocks: Vec<Block>,
        span: Range<usize>,
    },
    /// An image: its alt text is collected as plain text.
    Image {
        file: String,
        title: String,
        alt: String,
        span: Range<usize>,
    },
    Table {
        aligns: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// The header row or a body row of the table below it.
    Row(Vec<Vec<Inline>>),
    Cell(Vec<Inline>),
    /// Something unsupported whose content is skipped (an error has been reported).
    Skip,
}

/// The most rows and columns a table may have: a report's table is a page or two; more is a
/// pasted spreadsheet, and Typst's time grows with it.
pub const MAX_TABLE_ROWS: usize = 300;
/// See [`MAX_TABLE_ROWS`]: more columns than this cannot be read on an A4 page.
pub const MAX_TABLE_COLUMNS: usize = 10;

impl<'s> Converter<'s> {
    fn new(src: &'s SourceRef) -> Self {
        Self {
            src,
            errors: Vec::new(),
            footnotes: BTreeMap::new(),
            refs: HashMap::new(),
            html: Vec::new(),
            image: None,
        }
    }

    fn blocks(&mut self, text: &str) -> Vec<Item> {
        let mut out: Vec<Item> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Inside something refused (an error has been reported): how deep, to skip it whole.
        let mut skip_depth = 0usize;
        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            if skip_depth > 0 {
                match event {
                    Event::Start(_) => skip_depth += 1,
                    Event::End(_) => skip_depth -= 1,
                    _ => {}
                }
                if skip_depth == 0 {
                    stack.pop();
                }
                continue;
            }
            match event {
                Event::Start(tag) => {
                    let frame = self.start(tag, range, text, &stack);
                    if matches!(frame, Frame::Skip) {
                        skip_depth = 1;
                    }
                    stack.push(frame);
                }
                Event::End(_) => {
                    if let Some(frame) = stack.pop() {
                        self.close(frame, range, &mut stack, &mut out);
                    }
                }
                other => self.leaf(other, range, text, &mut stack),
            }
        }
        out
    }

    /// The frame a construct opens, or [`Frame::Skip`] for one refused here (reported).
    fn start(&mut self, tag: Tag, range: Range<usize>, text: &str, stack: &[Frame]) -> Frame {
        // Deeper nesting is a mistake, and every stage after this one (and Typst) walks the
        // tree recursively: refuse it here, once, and skip what is inside.
        if stack.len() >= MAX_NESTING {
            self.errors.push(
                self.src
                    .error(
                        range,
                        format!("lists, quotes and emphasis are nested more than {MAX_NESTING} deep here"),
                    )
                    .hint("flatten the structure: a report needs two or three levels at most"),
            );
            return Frame::Skip;
        }
        match tag {
            Tag::Paragraph => Frame::Paragraph(Vec::new()),
            Tag::Heading { level, id, classes, attrs } => {
                // Braces that hold no id are text ("{brace}"); an id with more beside it is a
                // mistake.
                let braces = !classes.is_empty() || !attrs.is_empty();
                if braces && id.is_some() {
                    self.errors.push(
                        self.src
                            .error(range.clone(), "only an id (`{#id}`) is allowed in a heading’s braces"),
                    );
                }
                let literal = (braces && id.is_none()).then(|| trailing_braces(&text[range.clone()]));
                Frame::Heading {
                    level,
                    id: id.map(|s| s.to_string()),
                    content: Vec::new(),
                    span: range,
                    literal: literal.flatten(),
                }
            }
            Tag::Emphasis => Frame::Emph(Vec::new()),
            Tag::Strong => Frame::Strong(Vec::new()),
            Tag::Link { link_type, dest_url, .. } => self.link(link_type, &dest_url, range),
            Tag::List(start) => Frame::List { ordered: start.is_some(), items: Vec::new() },
            Tag::Item => Frame::Item(Vec::new(), Vec::new()),
            Tag::BlockQuote(_) => Frame::Quote(Vec::new()),
            Tag::FootnoteDefinition(label) => {
                if stack.iter().any(|f| matches!(f, Frame::Footnote { .. })) {
                    self.errors
                        .push(self.src.error(range.clone(), "a footnote definition inside another footnote"));
                }
                Frame::Footnote { label: label.to_string(), blocks: Vec::new(), span: range }
            }
            Tag::HtmlBlock => {
                self.html_block(text, range);
                Frame::Skip
            }
            Tag::Image { dest_url, title, .. } => Frame::Image {
                file: dest_url.to_string(),
                title: title.to_string(),
                alt: String::new(),
                span: range,
            },
            Tag::Table(aligns) => Frame::Table { aligns, header: Vec::new(), rows: Vec::new() },
            Tag::TableHead | Tag::TableRow => Frame::Row(Vec::new()),
            Tag::TableCell => Frame::Cell(Vec::new()),
            other => self.refuse(&other, range),
        }
    }

    /// A link: its address as the PDF holds it (an e-mail address with `mailto:`), refused
    /// unless it is a web or e-mail address of at most [`MAX_URL_CHARS`].
    fn link(&mut self, link_type: LinkType, dest_url: &str, range: Range<usize>) -> Frame {
        let url = match link_type {
            LinkType::Email => format!("mailto:{dest_url}"),
            _ => dest_url.to_string(),
        };
        let length = url.chars().count();
        if length > MAX_URL_CHARS {
            self.errors.push(
                self.src
                    .error(range, format!("this address is {length} characters long; a link may have at most {MAX_URL_CHARS}"))
                    .hint("link to the page itself, without the tracking or search parameters after `?`; browsers and PDF readers refuse longer ones"),
            );
        } else if !is_published_url(&url) {
            self.errors.push(
                self.src
                    .error(range, format!("`{url}` is not a web or e-mail address"))
                    .hint("a published report links only to http://, https:// and mailto: addresses; write the whole address, e.g. <https://example.org/page>"),
            );
        }
        Frame::Link { url, content: Vec::new() }
    }

    /// A construct a report cannot show (a code block, a table, an image): an error, and its
    /// content is skipped.
    fn refuse(&mut self, tag: &Tag, range: Range<usize>) -> Frame {
        let what = match tag {
            Tag::CodeBlock(CodeBlockKind::Indented) => {
                "an indented code block (a line indented by four spaces or a tab)"
            }
            Tag::CodeBlock(_) => "a code block",
            _ => "this Markdown construct",
        };
        self.errors.push(self.src.error(range, format!("{what} is not supported in a city report")).hint(
            "write prose, lists, tables, pictures, emphasis, links and footnotes; remove leading indentation from paragraphs",
        ));
        Frame::Skip
    }

    /// An event that opens and closes nothing: text, code, breaks, footnote references, and
    /// what is refused (HTML, rules, maths).
    fn leaf(&mut self, event: Event, range: Range<usize>, text: &str, stack: &mut [Frame]) {
        match event {
            Event::Text(t) => {
                if !matches!(stack.last(), Some(Frame::Link { .. })) {
                    self.unread_link(text, range);
                }
                self.push_inline(stack, Inline::Text { text: t.to_string() })
            }
            // Inline HTML such as `<b>` prints literally: nothing typed is lost or interpreted.
            Event::InlineHtml(t) => self.push_inline(stack, Inline::Text { text: t.to_string() }),
            Event::Code(t) => self.push_inline(stack, Inline::Code { text: t.to_string() }),
            Event::SoftBreak => self.push_inline(stack, Inline::Text { text: " ".into() }),
            Event::HardBreak => self.push_inline(stack, Inline::Linebreak),
            Event::FootnoteReference(label) => {
                self.refs.entry(label.to_string()).or_default().push(range);
                self.push_inline(stack, Inline::FootnoteRef { label: label.to_string() });
            }
            Event::Html(_) => self.html_block(text, range),
            Event::Rule => self.errors.push(
                self.src.error(range, "a horizontal rule is not supported in a city report").hint(
                    "sections are separated by their headings; delete the rule (`---`, `***` or `___`)",
                ),
            ),
            Event::Start(_) | Event::End(_) => {}
            Event::InlineMath(_) | Event::DisplayMath(_) | Event::TaskListMarker(_) => self
                .errors
                .push(self.src.error(range, "this Markdown construct is not supported in a city report")),
        }
    }

    fn close(&mut self, frame: Frame, range: Range<usize>, stack: &mut [Frame], out: &mut Vec<Item>) {
        match frame {
            Frame::Paragraph(content) => self.close_paragraph(content, range, stack, out),
            Frame::Image { file, title, alt, span } => self.close_image(file, title, alt, span, stack),
            Frame::Table { aligns, header, rows } => {
                let table = self.table(&aligns, header, rows, range.clone());
                self.push_block(stack, out, Block::Table(table), range)
            }
            Frame::Row(cells) => match stack.last_mut() {
                Some(Frame::Table { header, .. }) if header.is_empty() => *header = cells,
                Some(Frame::Table { rows, .. }) => rows.push(cells),
                _ => {}
            },
            Frame::Cell(content) => {
                if let Some(Frame::Row(cells)) = stack.last_mut() {
                    cells.push(breakable(trim_inlines(merge_text(content))));
                }
            }
            Frame::Heading { level, id, content, span, literal } => {
                self.close_heading(level, id, content, span, literal, stack, out)
            }
            Frame::Emph(content) => self.push_inline(stack, Inline::Emph { content: merge_text(content) }),
            Frame::Strong(content) => {
                self.push_inline(stack, Inline::Strong { content: merge_text(content) })
            }
            Frame::Link { url, content } => {
                let mut content = merge_text(content);
                // `<mailto:me@x.org>` shows the address a reader writes to, not the scheme.
                if let [Inline::Text { text }] = content.as_mut_slice()
                    && *text == url
                    && let Some(address) =
                        url.get(..7).filter(|s| s.eq_ignore_ascii_case("mailto:")).map(|_| &url[7..])
                {
                    *text = address.to_string();
                }
                self.push_inline(stack, Inline::Link { url, content });
            }
            Frame::List { ordered, items } => {
                self.push_block(stack, out, Block::List { ordered, items }, range)
            }
            Frame::Item(mut blocks, loose) => {
                // Tight list items hold their text directly, not in a paragraph.
                if !loose.is_empty() {
                    blocks.insert(0, Block::Paragraph { content: breakable(merge_text(loose)) });
                }
                if let Some(Frame::List { items, .. }) = stack.last_mut() {
                    items.push(blocks);
                }
            }
            Frame::Quote(blocks) => self.push_block(stack, out, Block::Quote { content: blocks }, range),
            Frame::Footnote { label, blocks, span } => self.close_footnote(label, blocks, span),
            Frame::Skip => {}
        }
    }

    /// A heading: a numbered one at the top level becomes an [`Item::Numbered`], a `###` a
    /// block; braces that held no id print as typed.
    #[allow(clippy::too_many_arguments)]
    fn close_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        mut content: Vec<Inline>,
        span: Range<usize>,
        literal: Option<String>,
        stack: &mut [Frame],
        out: &mut Vec<Item>,
    ) {
        if let Some(literal) = literal {
            content.push(Inline::Text { text: format!(" {literal}") });
        }
        let content = breakable(trim_inlines(merge_text(content)));
        self.check_heading(&content, id.as_deref(), &span);
        match level {
            HeadingLevel::H1 | HeadingLevel::H2 if stack.is_empty() => out.push(Item::Numbered {
                level: if level == HeadingLevel::H1 { 1 } else { 2 },
                id,
                title: content,
                span,
            }),
            HeadingLevel::H3 => {
                if id.is_some() {
                    self.errors.push(
                        self.src
                            .error(span.clone(), "unnumbered sub-headings (`###`) take no id")
                            .hint("remove the `{#…}`"),
                    );
                }
                self.push_block(stack, out, Block::Heading { content }, span);
            }
            HeadingLevel::H1 | HeadingLevel::H2 => {
                self.errors.push(self.src.error(span, "a numbered heading inside a list, quote or footnote"))
            }
            _ => {
                self.errors.push(self.src.error(span, "headings go down to `###` only").hint(
                    "use `#` for sections, `##` for sub-sections and `###` for unnumbered sub-headings",
                ))
            }
        }
    }

    /// A footnote definition: a run of text (several paragraphs joined by line breaks),
    /// defined once.
    fn close_footnote(&mut self, label: String, blocks: Vec<Block>, span: Range<usize>) {
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
                crate::diagnostics::line_column(&self.src.text, first.span.start + self.src.offset);
            self.errors.push(self.src.error(
                span.clone(),
                format!("footnote `[^{label}]` is defined twice (first on line {line})"),
            ));
        } else {
            self.footnotes.insert(label, FootnoteDef { content, span });
        }
    }

    /// A line that starts with an HTML tag or comment: Markdown reads it and the lines after
    /// it, up to a blank line, as HTML, which a report cannot print.
    fn html_block(&mut self, text: &str, range: Range<usize>) {
        let first = text[range.clone()].lines().next().unwrap_or("").trim();
        self.errors.push(
            self.src
                .error(range.clone(), format!("`{first}` starts an HTML block, which a city report cannot print; it runs to the next blank line"))
                .hint("write the text as Markdown without the tag, or write its `<` as `\\<` to print it as typed; an HTML comment counts as HTML too"),
        );
        self.html.push(range);
    }

    /// A heading needs words of its own (only the update section's `# {#update}` is titled
    /// from `data/i18n`), and no footnote: a heading is repeated in the contents, the PDF's
    /// bookmarks and the running header.
    fn check_heading(&mut self, content: &[Inline], id: Option<&str>, span: &Range<usize>) {
        let blank =
            |c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{AD}');
        if plain_text(content).chars().all(blank) && id != Some(ids::UPDATE) && !has_footnote(content) {
            let hint = if id.is_some() {
                "write the section's title before its id, e.g. `## Housing first {#housing}`; only `# {#update}` may stand alone"
            } else {
                "write the sub-heading's words after `###`, or delete the line"
            };
            self.errors.push(self.src.error(span.clone(), "this heading has no title").hint(hint));
        }
        if has_footnote(content) {
            self.errors.push(
                self.src
                    .error(span.clone(), "a footnote in a heading")
                    .hint("cite the source in the text under the heading: a heading is repeated in the contents, the PDF's bookmarks and the running header"),
            );
        }
    }

    /// `[text](address)` left as text: Markdown could not read it as a link, which happens
    /// when the address holds a space or an unbalanced bracket; it would print as typed.
    /// `text` is the whole Markdown, `range` a text event's: pulldown-cmark splits such text at
    /// the brackets, so the characters around the event count too.
    fn unread_link(&mut self, text: &str, range: Range<usize>) {
        let from = text.floor_char_boundary(range.start.saturating_sub(1));
        let to = text.ceil_char_boundary((range.end + 1).min(text.len()));
        let typed = |p: usize| p == 0 || text.as_bytes()[p - 1] != b'\\';
        let bracket = text[from..to].match_indices("](").any(|(i, _)| typed(from + i));
        let autolink = text[from..to].match_indices("<http").any(|(i, _)| typed(from + i));
        if bracket || autolink {
            self.errors.push(
                self.src
                    .error(range, "this is not a link Markdown can read: it would print as typed, brackets and all")
                    .hint("an address may not hold spaces or unbalanced brackets: write a space as `%20`, e.g. `[the plan](https://example.org/city%20plan.pdf)`"),
            );
        }
    }

    fn push_inline(&mut self, stack: &mut [Frame], inline: Inline) {
        match stack.last_mut() {
            Some(Frame::Paragraph(c) | Frame::Emph(c) | Frame::Strong(c) | Frame::Item(_, c)) => {
                c.push(inline)
            }
            Some(Frame::Heading { content, .. } | Frame::Link { content, .. } | Frame::Cell(content)) => {
                content.push(inline)
            }
            Some(Frame::Image { alt, .. }) => alt.push_str(&plain_text(&[inline])),
            _ => {}
        }
    }

    /// A paragraph: a figure if it holds an image and nothing else.
    fn close_paragraph(
        &mut self,
        content: Vec<Inline>,
        range: Range<usize>,
        stack: &mut [Frame],
        out: &mut Vec<Item>,
    ) {
        let content = breakable(merge_text(content));
        let Some(figure) = self.image.take() else {
            return self.push_block(stack, out, Block::Paragraph { content }, range);
        };
        let alone = content.iter().all(|i| matches!(i, Inline::Text { text } if text.trim().is_empty()));
        if !alone || !stack.is_empty() {
            let place = if alone { "inside a list, quote or footnote" } else { "inside a line of text" };
            self.errors.push(
                self.src
                    .error(figure.span, format!("a picture {place}: a picture is a paragraph of its own"))
                    .hint("put `![what it shows](file.jpg \"caption\")` on a line of its own, with a blank line before and after"),
            );
            return;
        }
        self.push_block(stack, out, Block::Figure(figure), range);
    }

    /// An image: kept for its paragraph, which makes it a figure ([`Self::close_paragraph`]).
    fn close_image(
        &mut self,
        file: String,
        title: String,
        alt: String,
        span: Range<usize>,
        stack: &mut [Frame],
    ) {
        if self.image.is_some() || !matches!(stack.last(), Some(Frame::Paragraph(_))) {
            self.errors.push(
                self.src
                    .error(span, "a picture inside a line of text, a list, a link, a heading or a table: a picture is a paragraph of its own")
                    .hint("put `![what it shows](file.jpg \"caption\")` on a line of its own, with a blank line before and after"),
            );
            return;
        }
        let caption = if title.trim().is_empty() {
            Vec::new()
        } else {
            breakable(vec![Inline::Text { text: title.trim().to_string() }])
        };
        self.image = Some(Figure { file, alt: alt.trim().to_string(), caption, placed: None, span });
    }

    /// The table of a closed table frame: its columns' alignment, every row as wide as the
    /// header, and within the limits.
    fn table(
        &mut self,
        aligns: &[Alignment],
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        span: Range<usize>,
    ) -> Table {
        if header.len() > MAX_TABLE_COLUMNS {
            self.errors.push(
                self.src
                    .error(
                        span.clone(),
                        format!(
                            "the table has {} columns; a table may have at most {MAX_TABLE_COLUMNS}",
                            header.len()
                        ),
                    )
                    .hint("split it into two tables, or turn it around: a column per row"),
            );
        }
        if rows.len() > MAX_TABLE_ROWS {
            self.errors.push(self.src.error(span.clone(), format!("the table has {} rows; a table may have at most {MAX_TABLE_ROWS}", rows.len()))
                .hint("a report's table is a page or two: keep the rows the text needs and link to the rest"));
        }
        if header.iter().all(|c| plain_text(c).trim().is_empty()) {
            self.errors.push(
                self.src.error(span.clone(), "the table's header row is empty").hint(
                    "name each column in the first row: a screen reader reads the header with every cell",
                ),
            );
        }
        let align = aligns
            .iter()
            .enumerate()
            .map(|(column, a)| match a {
                Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
                Alignment::None if numeric_column(&rows, column) => "right",
                Alignment::None => "left",
            })
            .collect();
        let width = header.len();
        let rows = rows
            .into_iter()
            .map(|mut row| {
                row.resize(width, Vec::new());
                row
            })
            .collect();
        Table { align, header, rows, span }
    }

    fn push_block(&mut self, stack: &mut [Frame], out: &mut Vec<Item>, block: Block, range: Range<usize>) {
        match stack.last_mut() {
            None => out.push(Item::Block(block, range)),
            Some(Frame::Item(blocks, loose)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Paragraph { content: breakable(merge_text(std::mem::take(loose))) });
                }
                blocks.push(block);
            }
            Some(Frame::Quote(blocks) | Frame::Footnote { blocks, .. }) => blocks.push(block),
            _ => {}
        }
    }
}

/// The braces at the end of a heading's line, as typed (`{brace}`).
fn trailing_braces(heading: &str) -> Option<String> {
    let line = heading.lines().next()?.trim_end().trim_end_matches('#').trim_end();
    let open = line.rfind('{')?;
    line[open..].ends_with('}').then(|| line[open..].to_string())
}

/// Whether some of `inlines` is a footnote (or inside emphasis, bold or a link).
fn has_footnote(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Footnote { .. } | Inline::FootnoteRef { .. } => true,
        Inline::Emph { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
            has_footnote(content)
        }
        _ => false,
    })
}

/// Whether every non-empty cell of `column` in `rows` is a number: digits with the
/// separators, signs, units and footnote markers numbers are written with (`1,398,765`,
/// `12 %`, `−3.5`, `€ 2.4 m`, `2019[^3]`).
fn numeric_column(rows: &[Vec<Vec<Inline>>], column: usize) -> bool {
    let mut cells = rows
        .iter()
        .filter_map(|row| row.get(column))
        .map(|c| plain_text(c))
        .filter(|t| !t.trim().is_empty())
        .peekable();
    cells.peek().is_some()
        && cells.all(|t| {
            // Tokens of number characters, and short unit words (`2.4 m`, `0,3 mln €`, `12 km`).
            let number = |w: &str| w.chars().all(|c| c.is_ascii_digit() || " .,'’%+-−–~€$£×".contains(c));
            let unit = |w: &str| {
                w.trim_end_matches('.').chars().count() <= 3
                    && w.trim_end_matches('.').chars().all(char::is_alphabetic)
            };
            t.chars().any(|c| c.is_ascii_digit()) && t.split_whitespace().all(|w| number(w) || unit(w))
        })
}

/// Joins adjacent text runs (pulldown-cmark splits text at escapes and entities).
fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
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

fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text { text }) = inlines.last_mut() {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        if text.is_empty() {
            inlines.pop();
        }
    }
    inlines
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

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceRef {
        SourceRef { path: "t.md".into(), text: Arc::from(text), offset: 0 }
    }

    fn body(text: &str) -> Result<Vec<Section>, Diagnostics> {
        convert_body(&src(text), text, "fn:")
    }

    fn t(s: &str) -> Inline {
        Inline::Text { text: s.into() }
    }

    #[test]
    fn long_runs_get_break_opportunities_and_links_stay_exact() {
        let word = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft";
        let hash = "3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f";
        let s =
            body(&format!("# A {{#a}}\n\n{word} `{hash}` [{hash}](https://e.org/{hash}) {hash}\n")).unwrap();
        let Block::Paragraph { content } = &s[0].blocks[0] else { panic!() };
        // A word is left whole: it hyphenates by its language's patterns.
        let Inline::Text { text } = &content[0] else { panic!("{content:?}") };
        assert_eq!(text, &format!("{word} "));
        let Inline::Code { text } = &content[1] else { panic!() };
        assert!(text.contains('\u{200B}'));
        let Inline::Link { url, content: shown } = &content[3] else { panic!("{content:?}") };
        assert_eq!(url, &format!("https://e.org/{hash}"));
        assert_eq!(shown, &vec![Inline::Text { text: hash.into() }]);
        let Inline::Text { text } = &content[4] else { panic!("{content:?}") };
        assert_eq!(text.replace('\u{200B}', ""), format!(" {hash}"));
        // No run of a hash is longer than the limit; short words and spaced text are untouched.
        assert!(break_long_runs(hash).split('\u{200B}').all(|r| r.chars().count() <= LONGEST_RUN));
        assert_eq!(break_long_runs("a b-c/d"), "a b-c/d");
        assert_eq!(break_long_runs(word), word);
        assert!(!break_long_runs(&format!("{word} {word}")).contains(['\u{AD}', '\u{200B}']));
    }

    #[test]
    fn only_web_and_mail_addresses_become_links() {
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://x.org/a",
            "../other.md",
            "#top",
            "data:text/html,x",
        ] {
            let err = body(&format!("# A {{#a}}\n\n[x](<{bad}>) and <{bad}>\n")).unwrap_err();
            assert!(err.0[0].message.contains("is not a web or e-mail address"), "{bad}: {err}");
        }
        let ok = body("# A {#a}\n\n[a](https://e.org) [b](HTTP://E.ORG) <me@e.org> [c](mailto:me@e.org)\n");
        assert!(ok.is_ok(), "{}", ok.unwrap_err());
    }

    /// Found by reading alongside the fuzzing (fuzz/README.md, finding 2).
    #[test]
    fn an_id_used_three_times_names_its_first_place_each_time() {
        let err = body("# A {#a}\n\nx\n\n# B {#x}\n\n# C {#x}\n\n# D {#x}\n").unwrap_err();
        let messages: Vec<&str> = err.0.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["the section id `x` is used twice (first on line 5)"; 2]);
    }

    #[test]
    fn deep_nesting_is_refused_once() {
        let deep = format!("# A {{#a}}\n\n{}x\n", "> ".repeat(5000));
        let err = body(&deep).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert!(err.0[0].message.contains("nested more than"));
        let lists = format!(
            "# A {{#a}}\n\n{}",
            (0..40).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>()
        );
        assert!(body(&lists).is_err());
    }

    #[test]
    fn sections_subsections_lead_and_subheadings() {
        let s = body("# One {#one}\n\n*The lead.*\n\nText.\n\n### Sub\n\nMore.\n\n## Two {#two}\n\nBody.\n")
            .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].id.as_str(), s[0].level), ("one", 1));
        assert_eq!(s[0].title, vec![t("One")]);
        assert_eq!(s[0].lead, Some(vec![t("The lead.")]));
        assert_eq!(
            s[0].blocks,
            vec![
                Block::Paragraph { content: vec![t("Text.")] },
                Block::Heading { content: vec![t("Sub")] },
                Block::Paragraph { content: vec![t("More.")] },
            ]
        );
        assert_eq!((s[1].id.as_str(), s[1].level, s[1].lead.clone()), ("two", 2, None));
    }

    #[test]
    fn italic_paragraph_later_in_a_section_is_not_a_lead() {
        let s = body("# One {#one}\n\nFirst.\n\n*Second.*\n").unwrap();
        assert_eq!(s[0].lead, None);
        assert_eq!(s[0].blocks.len(), 2);
    }

    #[test]
    fn heading_with_only_an_id_has_an_empty_title() {
        let s = body("# {#update}\n\n- a\n- b\n").unwrap();
        assert_eq!(s[0].id, "update");
        assert!(s[0].title.is_empty());
        assert_eq!(
            s[0].blocks,
            vec![Block::List {
                ordered: false,
                items: vec![
                    vec![Block::Paragraph { content: vec![t("a")] }],
                    vec![Block::Paragraph { content: vec![t("b")] }],
                ],
            }]
        );
    }

    #[test]
    fn footnotes_are_placed_at_first_citation_and_referenced_after() {
        let s = body("# A {#a}\n\nx[^1] y[^2][^3] z[^1]\n\n[^1]: One <https://e.org/a_b>.\n[^2]: *Two*.\n[^3]: Three.\n").unwrap();
        let Block::Paragraph { content } = &s[0].blocks[0] else { panic!() };
        assert_eq!(content[0], t("x"));
        assert_eq!(
            content[1],
            Inline::Footnote {
                label: "fn:1".into(),
                again: true,
                key: String::new(),
                content: vec![
                    t("One "),
                    Inline::Link { url: "https://e.org/a_b".into(), content: vec![t("https://e.org/a_b")] },
                    t("."),
                ],
            }
        );
        assert!(matches!(&content[3], Inline::Footnote { label, .. } if label == "fn:2"));
        assert!(matches!(&content[4], Inline::Footnote { label, .. } if label == "fn:3"));
        assert_eq!(content[6], Inline::FootnoteRef { label: "fn:1".into() });
    }

    #[test]
    fn footnote_in_lead_stays_in_lead() {
        let s = body("# A {#a}\n\n*Lead text.[^1]*\n\n[^1]: Src.\n").unwrap();
        let lead = s[0].lead.as_ref().unwrap();
        assert!(matches!(&lead[1], Inline::Footnote { .. }));
    }

    #[test]
    fn headings_need_words_and_no_footnote_and_keep_braces_that_are_no_id() {
        let errs = |md: &str| messages(body(&format!("# A {{#a}}\n\n{md}\n\n[^1]: Note.\n")));
        assert!(errs("###    ").iter().any(|m| m.contains("has no title")), "{:?}", errs("###    "));
        assert!(errs("## {#b}").iter().any(|m| m.contains("has no title")));
        assert!(errs("### &nbsp;&#x200B;").iter().any(|m| m.contains("has no title")));
        assert!(errs("## Title[^1] {#b}").iter().any(|m| m.contains("a footnote in a heading")));
        assert!(errs("### *Title[^1]*").iter().any(|m| m.contains("a footnote in a heading")));
        assert!(body("# {#update}\n\n- x\n").is_ok());
        let s = body("# A {#a}\n\n### What is {brace}\n\n### Set {a=b}\n").unwrap();
        assert_eq!(s[0].blocks[0], Block::Heading { content: vec![t("What is {brace}")] });
        assert_eq!(s[0].blocks[1], Block::Heading { content: vec![t("Set {a=b}")] });
        assert!(messages(body("# A {#a .x}\n")).iter().any(|m| m.contains("only an id")));
    }

    #[test]
    fn a_link_markdown_cannot_read_is_an_error_not_literal_text() {
        for md in ["See [a](https://x.org/a b).", "See <https://x.org/a b>.", "[the plan](https://x.org/(a)."]
        {
            let errs = messages(body(&format!("# A {{#a}}\n\n{md}\n")));
            assert!(errs.iter().any(|m| m.contains("not a link Markdown can read")), "{md}: {errs:?}");
        }
        assert!(body("# A {#a}\n\nSee [a](https://x.org/a%20b), <https://x.org> and \\](.\n").is_ok());
    }

    #[test]
    fn typst_and_markdown_specials_print_literally() {
        let md = "# A {#a}\n\n#read(\"/etc/passwd\") $x^2$ \\*a\\* \\_b\\_ @ref <lbl> [x] \\\\ // \"q\" ~\n";
        let s = body(md).unwrap();
        assert_eq!(
            s[0].blocks,
            vec![Block::Paragraph {
                content: vec![t("#read(\"/etc/passwd\") $x^2$ *a* _b_ @ref <lbl> [x] \\ // \"q\" ~")],
            }]
        );
    }

    #[test]
    fn emphasis_strong_code_links() {
        let inl = convert_inline(&src("x"), "**B** *i* `c` [l](https://a.b) <me@x.org>").unwrap();
        assert_eq!(
            inl,
            vec![
                Inline::Strong { content: vec![t("B")] },
                t(" "),
                Inline::Emph { content: vec![t("i")] },
                t(" "),
                Inline::Code { text: "c".into() },
                t(" "),
                Inline::Link { url: "https://a.b".into(), content: vec![t("l")] },
                t(" "),
                Inline::Link { url: "mailto:me@x.org".into(), content: vec![t("me@x.org")] },
            ]
        );
    }

    fn messages(r: Result<Vec<Section>, Diagnostics>) -> Vec<String> {
        r.unwrap_err().0.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn undefined_and_unused_footnotes_are_located_errors() {
        let m = messages(body("# A {#a}\n\nx[^9]\n\n[^1]: unused\n"));
        assert_eq!(
            m,
            vec![
                "t.md:3:2: error: footnote `[^9]` is cited but not defined (hint: add a line `[^9]: source` at the end of the file)",
                "t.md:5:1: error: footnote `[^1]` is defined but never cited (hint: cite it with `[^1]` where it belongs, or delete the definition)",
            ]
        );
    }

    #[test]
    fn missing_id_text_before_heading_and_code_are_errors() {
        let m = messages(body("Intro.\n\n# A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    code\n"));
        assert!(m[0].starts_with("t.md:1:1: error: text before the first section heading"), "{m:?}");
        assert!(m.iter().any(|x| x.starts_with("t.md:3:1: error: numbered heading without an id")), "{m:?}");
        assert!(!m.iter().any(|x| x.contains("a table is not supported")), "{m:?}");
        assert!(m.iter().any(|x| x.starts_with("t.md:9:") && x.contains("indented code block")), "{m:?}");
    }

    #[test]
    fn tables_align_numbers_right_and_pad_short_rows() {
        let s = body("# A {#a}\n\n| Year | Arrivals | Note |\n| --- | --- | :-: |\n| 2015 | 2,000 | a |\n| 2022 | 9 000 |\n").unwrap();
        let Block::Table(table) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
        assert_eq!(table.align, ["right", "right", "center"]);
        assert_eq!(table.header[1], vec![t("Arrivals")]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].len(), 3, "a short row gets empty cells");
        let m = messages(body("# A {#a}\n\n| | |\n|---|---|\n| 1 | 2 |\n"));
        assert!(m.iter().any(|x| x.contains("the table's header row is empty")), "{m:?}");
        // Amounts with a short unit are numbers too; words are not.
        let s =
            body("# A {#a}\n\n| Spent | Who |\n| --- | --- |\n| € 0.3 m | city |\n| 1,6 mln € | state |\n")
                .unwrap();
        let Block::Table(table) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
        assert_eq!(table.align, ["right", "left"]);
    }

    #[test]
    fn a_picture_is_a_paragraph_of_its_own() {
        let s = body("# A {#a}\n\n![A *tram* at dusk](tram.jpg \"Tram 9\")\n").unwrap();
        let Block::Figure(f) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
        assert_eq!((f.file.as_str(), f.alt.as_str()), ("tram.jpg", "A tram at dusk"));
        assert_eq!(f.caption, vec![t("Tram 9")]);
        assert_eq!(f.span.start, 10, "the picture is found at its `!`");
        for (text, says) in [
            ("Look: ![a tram](tram.jpg) here.", "inside a line of text"),
            ("- ![a tram](tram.jpg)", "a picture inside a line of text, a list"),
            ("> ![a tram](tram.jpg)", "inside a list, quote or footnote"),
            ("[![a tram](tram.jpg)](https://e.org)", "a picture inside a line of text, a list, a link"),
        ] {
            let m = messages(body(&format!("# A {{#a}}\n\n{text}\n")));
            assert!(m.iter().any(|x| x.starts_with("t.md:3:") && x.contains(says)), "{text}: {m:?}");
        }
    }

    #[test]
    fn duplicate_ids_and_footnotes_are_errors() {
        let m = messages(body("# A {#a}\n\nx[^1]\n\n# B {#a}\n\n[^1]: one\n[^1]: two\n"));
        assert!(m.iter().any(|x| x.starts_with("t.md:5:1: error: the section id `a` is used twice (first on line 1)")), "{m:?}");
        assert!(m.iter().any(|x| x.contains("defined twice")), "{m:?}");
    }

    #[test]
    fn errors_are_located_in_the_whole_file() {
        let text = "+++\nx = 1\n+++\n# A\n";
        let src = SourceRef { path: "f.md".into(), text: Arc::from(text), offset: 14 };
        let m = convert_body(&src, &text[14..], "").unwrap_err().to_string();
        assert!(m.starts_with("f.md:4:1:"), "{m}");
    }
}
