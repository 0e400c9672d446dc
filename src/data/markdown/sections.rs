//! Numbered sections: the body's blocks split at its `#` and `##` headings, each section with
//! its id (`{#reception}`) and, when its prose starts with a paragraph all in `*…*`, its lead.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostics::Diagnostic;

use super::convert::TopLevel;
use super::{Block, Inline, Section};
use crate::diagnostics::Place;

/// Whether `id` may name a section: a lower-case ASCII letter, then lower-case letters,
/// digits, `-` and `_` (the same in every language's file, and a TOML key as it is).
pub fn is_section_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The flat list of blocks split into sections at numbered headings: each section's id
/// unique, its lead found, no text before the first heading.
pub(super) fn into_sections(
    blocks: Vec<TopLevel>,
    src: &Place,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut ids: HashMap<String, Range<usize>> = HashMap::new();
    for item in blocks {
        match item {
            TopLevel::Numbered { level, id, title, span } => {
                let id = checked_id(id, &span, &mut ids, src, errors);
                sections.push(Section { id, level, title, lead: None, blocks: Vec::new(), span });
            }
            TopLevel::Block(block, span) => match sections.last_mut() {
                Some(section) => {
                    if section.blocks.is_empty()
                        && section.lead.is_none()
                        && let Some(lead) = as_lead(&block)
                    {
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

/// The id of the numbered heading at `span`, with an error when it has none (then the id is
/// empty: the section is kept, so that its text is not reported as misplaced too), when it is
/// not a [section id](is_section_id), or when `ids` (the ids so far, with their headings)
/// holds it already.
fn checked_id(
    id: Option<String>,
    span: &Range<usize>,
    ids: &mut HashMap<String, Range<usize>>,
    src: &Place,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let Some(id) = id else {
        errors.push(
            src.error(span.clone(), "numbered heading without an id")
                .hint("add an id in braces at the end of the heading, e.g. `## Milan’s reception approach {#reception}`; translations use the same id"),
        );
        return String::new();
    };
    if !is_section_id(&id) {
        let suggested: String = id
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
            .collect();
        errors.push(
            src.error(
                span.clone(),
                format!("the section id `{id}` is not lower-case letters, digits, `-` and `_`"),
            )
            .hint(format!(
                "ids are written the same in every language, so they are kept simple: e.g. `{{#{suggested}}}`"
            )),
        );
    }
    if let Some(first) = ids.get(&id) {
        let (line, _) = crate::diagnostics::line_column(&src.text, first.start + src.start());
        errors.push(
            src.error(span.clone(), format!("the section id `{id}` is used twice (first on line {line})")),
        );
    } else {
        ids.insert(id.clone(), span.clone());
    }
    id
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
