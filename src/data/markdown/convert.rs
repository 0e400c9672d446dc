//! The Markdown read: pulldown-cmark's events become the document tree. [`TreeBuilder`] keeps
//! a stack of the constructs open at each point ([`Open`]) and closes each into an inline, a
//! block or a numbered heading ([`TopLevel`]); what a report cannot show is a located error.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag};

use crate::diagnostics::Diagnostic;

use super::footnotes::FootnoteDef;
use super::tables::{close_cell, close_row};
use super::tree::{has_footnote, merge_text, trim_inlines};
use super::{Block, Figure, Inline, MAX_NESTING, MAX_URL_CHARS, ids, plain_text};
use crate::diagnostics::Place;

/// The Markdown extensions a report is written with.
fn options() -> Options {
    // Old-style footnotes report a citation of an undefined footnote as a reference (GFM
    // style would print it as text).
    Options::ENABLE_OLD_FOOTNOTES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES
}

/// A piece of the body at its top level, as read: a numbered heading, or a block under it.
pub(super) enum TopLevel {
    /// A `#` or `##` heading, which starts a section.
    Numbered {
        /// 1 for `#`, 2 for `##`.
        level: u8,
        /// The id written as `{#id}`.
        id: Option<String>,
        /// The heading's text.
        title: Vec<Inline>,
        /// Where the heading is.
        span: Range<usize>,
    },
    /// Any other block, and where it is.
    Block(Block, Range<usize>),
}

/// Only these addresses become links in a published report.
fn is_published_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s) && lower.len() > s.len())
}

/// Builds the tree from pulldown-cmark's event stream.
pub(super) struct TreeBuilder<'s> {
    /// The Markdown, for errors.
    pub(super) src: &'s Place,
    /// The errors found so far.
    pub(super) errors: Vec<Diagnostic>,
    /// The footnote definitions read, by label.
    pub(super) footnotes: BTreeMap<String, FootnoteDef>,
    /// The footnote citations read: each label's, in the order written.
    pub(super) refs: HashMap<String, Vec<Range<usize>>>,
    /// The HTML blocks reported: what they swallowed is not reported again.
    pub(super) html: Vec<Range<usize>>,
    /// The image just closed in the paragraph being read: a figure if the paragraph holds
    /// nothing else.
    image: Option<Figure>,
}

/// One construct open while walking the events, with what it holds so far.
pub(super) enum Open {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A heading.
    Heading {
        /// `#` to `######`.
        level: HeadingLevel,
        /// The id written as `{#id}`.
        id: Option<String>,
        /// Its text.
        content: Vec<Inline>,
        /// Where it is.
        span: Range<usize>,
        /// Braces at the end that hold no id: printed as typed.
        literal: Option<String>,
    },
    /// `*…*` or `_…_`.
    Emph(Vec<Inline>),
    /// `**…**`.
    Strong(Vec<Inline>),
    /// A link.
    Link {
        /// The address, as the PDF holds it.
        url: String,
        /// What the reader sees.
        content: Vec<Inline>,
    },
    /// A list.
    List {
        /// `1.` rather than `-`.
        ordered: bool,
        /// The items closed so far.
        items: Vec<Vec<Block>>,
    },
    /// A list item: its blocks, and the text of a tight item not yet in a paragraph.
    Item(Vec<Block>, Vec<Inline>),
    /// A block quotation.
    Quote(Vec<Block>),
    /// A footnote definition.
    Footnote {
        /// Its label, `[^label]`.
        label: String,
        /// Its blocks (paragraphs only, checked when it closes).
        blocks: Vec<Block>,
        /// Where it is.
        span: Range<usize>,
    },
    /// An image: its alt text is collected as plain text.
    Image {
        /// The file as written.
        file: String,
        /// The image's title: the caption.
        title: String,
        /// The alt text so far.
        alt: String,
        /// Where it is.
        span: Range<usize>,
    },
    /// A table.
    Table {
        /// Each column's alignment, as the delimiter row says.
        aligns: Vec<Alignment>,
        /// The header row, once closed.
        header: Vec<Vec<Inline>>,
        /// The body rows closed so far.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// The header row or a body row of the table below it.
    Row(Vec<Vec<Inline>>),
    /// A table cell.
    Cell(Vec<Inline>),
    /// Something unsupported whose content is skipped (an error has been reported).
    Skip,
}

impl<'s> TreeBuilder<'s> {
    /// A builder for Markdown from `src`.
    pub(super) fn new(src: &'s Place) -> Self {
        Self {
            src,
            errors: Vec::new(),
            footnotes: BTreeMap::new(),
            refs: HashMap::new(),
            html: Vec::new(),
            image: None,
        }
    }

    /// Reads `text` (the Markdown of `src`) into its top-level pieces; errors, footnote
    /// definitions and citations are kept in `self`.
    pub(super) fn blocks(&mut self, text: &str) -> Vec<TopLevel> {
        let mut out: Vec<TopLevel> = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
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
                    let open = self.start(tag, range, text, &stack);
                    if matches!(open, Open::Skip) {
                        skip_depth = 1;
                    }
                    stack.push(open);
                }
                Event::End(_) => {
                    if let Some(open) = stack.pop() {
                        self.close(open, range, &mut stack, &mut out);
                    }
                }
                other => self.leaf(other, range, text, &mut stack),
            }
        }
        out
    }

    /// What a construct opens, or [`Open::Skip`] for one refused here (reported).
    fn start(&mut self, tag: Tag, range: Range<usize>, text: &str, stack: &[Open]) -> Open {
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
            return Open::Skip;
        }
        match tag {
            Tag::Paragraph => Open::Paragraph(Vec::new()),
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
                Open::Heading {
                    level,
                    id: id.map(|s| s.to_string()),
                    content: Vec::new(),
                    span: range,
                    literal: literal.flatten(),
                }
            }
            Tag::Emphasis => Open::Emph(Vec::new()),
            Tag::Strong => Open::Strong(Vec::new()),
            Tag::Link { link_type, dest_url, .. } => self.link(link_type, &dest_url, range),
            Tag::List(start) => Open::List { ordered: start.is_some(), items: Vec::new() },
            Tag::Item => Open::Item(Vec::new(), Vec::new()),
            Tag::BlockQuote(_) => Open::Quote(Vec::new()),
            Tag::FootnoteDefinition(label) => {
                if stack.iter().any(|f| matches!(f, Open::Footnote { .. })) {
                    self.errors
                        .push(self.src.error(range.clone(), "a footnote definition inside another footnote"));
                }
                Open::Footnote { label: label.to_string(), blocks: Vec::new(), span: range }
            }
            Tag::HtmlBlock => {
                self.html_block(text, range);
                Open::Skip
            }
            Tag::Image { dest_url, title, .. } => Open::Image {
                file: dest_url.to_string(),
                title: title.to_string(),
                alt: String::new(),
                span: range,
            },
            Tag::Table(aligns) => Open::Table { aligns, header: Vec::new(), rows: Vec::new() },
            Tag::TableHead | Tag::TableRow => Open::Row(Vec::new()),
            Tag::TableCell => Open::Cell(Vec::new()),
            other => self.refuse(&other, range),
        }
    }

    /// A link: its address as the PDF holds it (an e-mail address with `mailto:`), refused
    /// unless it is a web or e-mail address of at most [`MAX_URL_CHARS`].
    fn link(&mut self, link_type: LinkType, dest_url: &str, range: Range<usize>) -> Open {
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
        Open::Link { url, content: Vec::new() }
    }

    /// A construct a report cannot show (a code block, a table, an image): an error, and its
    /// content is skipped.
    fn refuse(&mut self, tag: &Tag, range: Range<usize>) -> Open {
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
        Open::Skip
    }

    /// An event that opens and closes nothing: text, code, breaks, footnote references, and
    /// what is refused (HTML, rules, maths).
    fn leaf(&mut self, event: Event, range: Range<usize>, text: &str, stack: &mut [Open]) {
        match event {
            Event::Text(t) => {
                if !matches!(stack.last(), Some(Open::Link { .. })) {
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

    /// Closes `open` (which ends at `range`) into what holds it: the construct below it on
    /// `stack`, or `out` at the top level.
    fn close(&mut self, open: Open, range: Range<usize>, stack: &mut [Open], out: &mut Vec<TopLevel>) {
        match open {
            Open::Paragraph(content) => self.close_paragraph(content, range, stack, out),
            Open::Image { file, title, alt, span } => self.close_image(file, title, alt, span, stack),
            Open::Table { aligns, header, rows } => {
                self.close_table(&aligns, header, rows, range, stack, out)
            }
            Open::Row(cells) => close_row(cells, stack),
            Open::Cell(content) => close_cell(content, stack),
            Open::Heading { level, id, content, span, literal } => {
                self.close_heading(level, id, content, span, literal, stack, out)
            }
            Open::Emph(content) => self.push_inline(stack, Inline::Emph { content: merge_text(content) }),
            Open::Strong(content) => self.push_inline(stack, Inline::Strong { content: merge_text(content) }),
            Open::Link { url, content } => {
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
            Open::List { ordered, items } => {
                self.push_block(stack, out, Block::List { ordered, items }, range)
            }
            Open::Item(mut blocks, loose) => {
                // Tight list items hold their text directly, not in a paragraph.
                if !loose.is_empty() {
                    blocks.insert(0, Block::Paragraph { content: merge_text(loose) });
                }
                if let Some(Open::List { items, .. }) = stack.last_mut() {
                    items.push(blocks);
                }
            }
            Open::Quote(blocks) => self.push_block(stack, out, Block::Quote { content: blocks }, range),
            Open::Footnote { label, blocks, span } => self.close_footnote(label, blocks, span),
            Open::Skip => {}
        }
    }

    /// A heading: a numbered one at the top level becomes an [`TopLevel::Numbered`], a `###` a
    /// block; braces that held no id print as typed.
    #[allow(clippy::too_many_arguments)]
    fn close_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        mut content: Vec<Inline>,
        span: Range<usize>,
        literal: Option<String>,
        stack: &mut [Open],
        out: &mut Vec<TopLevel>,
    ) {
        if let Some(literal) = literal {
            content.push(Inline::Text { text: format!(" {literal}") });
        }
        let content = trim_inlines(merge_text(content));
        self.check_heading(&content, id.as_deref(), &span);
        match level {
            HeadingLevel::H1 | HeadingLevel::H2 if stack.is_empty() => out.push(TopLevel::Numbered {
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

    /// Adds `inline` to the construct open on top of `stack` (to an image's alt text as plain
    /// text); dropped where no text can be.
    fn push_inline(&mut self, stack: &mut [Open], inline: Inline) {
        match stack.last_mut() {
            Some(Open::Paragraph(c) | Open::Emph(c) | Open::Strong(c) | Open::Item(_, c)) => c.push(inline),
            Some(Open::Heading { content, .. } | Open::Link { content, .. } | Open::Cell(content)) => {
                content.push(inline)
            }
            Some(Open::Image { alt, .. }) => alt.push_str(&plain_text(&[inline])),
            _ => {}
        }
    }

    /// A paragraph: a figure if it holds an image and nothing else.
    fn close_paragraph(
        &mut self,
        content: Vec<Inline>,
        range: Range<usize>,
        stack: &mut [Open],
        out: &mut Vec<TopLevel>,
    ) {
        let content = merge_text(content);
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
        stack: &mut [Open],
    ) {
        if self.image.is_some() || !matches!(stack.last(), Some(Open::Paragraph(_))) {
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
            vec![Inline::Text { text: title.trim().to_string() }]
        };
        self.image = Some(Figure { file, alt: alt.trim().to_string(), caption, placed: None, span });
    }

    /// Adds `block` where it stands: to the list item, quote or footnote open on top of `stack`
    /// (after a tight item's text so far, as a paragraph), or to `out` at the top level.
    pub(super) fn push_block(
        &mut self,
        stack: &mut [Open],
        out: &mut Vec<TopLevel>,
        block: Block,
        range: Range<usize>,
    ) {
        match stack.last_mut() {
            None => out.push(TopLevel::Block(block, range)),
            Some(Open::Item(blocks, loose)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Paragraph { content: merge_text(std::mem::take(loose)) });
                }
                blocks.push(block);
            }
            Some(Open::Quote(blocks) | Open::Footnote { blocks, .. }) => blocks.push(block),
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
