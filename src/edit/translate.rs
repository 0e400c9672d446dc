//! `cityreport translate`: brings a translation file up to date with the default language.
//!
//! Every part (the tagline, takeaways, quote and location, and each section by its id) is
//! either kept as the translator wrote it, or — when the translation lacks it, or it
//! translates an earlier version of the default language's part — replaced by the default
//! language's text and listed in the front matter's `to_translate` (such a part prints as the
//! default language's, with the fallback note, until its id is taken out of the list). The
//! front matter's `translated` table records, for every part in the file, the version
//! ([`part_hash`](crate::data::part_hash)) of the default part it was made from, so `check` can tell when the default
//! text changes later. Running it twice changes nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::data::{City, FrontMatter, Part, Text};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What `translate` did.
#[derive(Debug)]
pub struct Outcome {
    /// The file, as the user knows it (`data/cities/milan/de.md`).
    pub file: PathBuf,
    /// Whether the file changed.
    pub written: bool,
    /// The ids of the parts to translate, in order.
    pub to_translate: Vec<String>,
    /// How many parts are translated and up to date.
    pub up_to_date: usize,
}

/// One part's state in the new file.
struct Choice {
    id: String,
    /// Keep the translation's text (else the default language's).
    keep: bool,
    /// The kept text is a copy of the default language's, still to translate.
    marked: bool,
    hash: String,
}

/// Brings `city`'s text in `to` up to date with its text in `default` (see the module).
pub fn translate(
    city: &City,
    default: &str,
    to: &str,
    root: &std::path::Path,
) -> Result<Outcome, Diagnostics> {
    let file = city.dir.join(format!("{to}.md"));
    let shown = crate::diagnostics::display_path(&file, root);
    if to == default {
        return Err(Diagnostic::file(
            &shown,
            format!("{default} is the default language: it is not a translation"),
        )
        .hint("name the language to translate into: --to de")
        .into());
    }
    let base = &city.texts[default];
    let own = city.texts.get(to);

    // Each part: its id, whether the translation has it, and the current version (the
    // default language has every part: the city was checked).
    let sections = base.sections.iter().map(|s| Part::Section(s.id.clone()));
    let parts: Vec<(String, bool, String)> = Part::FRONT
        .into_iter()
        .chain(sections)
        .map(|part| {
            let has = own.is_some_and(|t| part.hash_in(t).is_some());
            (part.id().to_string(), has, part.hash_in(base).unwrap_or_default())
        })
        .collect();
    let choices: Vec<Choice> = parts
        .into_iter()
        .map(|(id, has, hash)| {
            let recorded = own.and_then(|t| t.translated.get(&id));
            let marked = own.is_some_and(|t| t.to_translate.contains(&id));
            // A translation made from another version, or a copy of another version still to
            // translate, is replaced by the current text.
            let current = recorded.is_none_or(|r| *r == hash);
            let keep = has && current;
            Choice { keep, marked: marked && keep, hash, id }
        })
        .collect();
    let to_translate: Vec<String> =
        choices.iter().filter(|c| !c.keep || c.marked).map(|c| c.id.clone()).collect();
    let up_to_date = choices.len() - to_translate.len();

    let text = file_text(base, own, &choices, &to_translate);
    let old = own.map(|t| t.source.text.to_string());
    let written = old.as_deref() != Some(text.as_str());
    if written {
        crate::data::write_atomic(&file, text.as_bytes())
            .map_err(|e| Diagnostic::file(&shown, format!("cannot write the file: {e:#}")))?;
    }
    Ok(Outcome { file: shown, written, to_translate, up_to_date })
}

/// The new translation file.
fn file_text(base: &Text, own: Option<&Text>, choices: &[Choice], to_translate: &[String]) -> String {
    let keep = |id: &str| choices.iter().any(|c| c.id == id && c.keep);
    let from = |part: Part| match own {
        Some(t) if keep(part.id()) => &t.front,
        _ => &base.front,
    };
    let front = FrontMatter {
        tagline: from(Part::Tagline).tagline.clone(),
        takeaways: from(Part::Takeaways).takeaways.clone(),
        quote: from(Part::Quote).quote.clone(),
        figures: from(Part::Location).figures.clone(),
        to_translate: Some(to_translate.to_vec()),
        translated: Some(choices.iter().map(|c| (c.id.clone(), c.hash.clone())).collect()),
    };
    let mut out = front.to_toml(|key| match key {
        "to_translate" => Some(
            "Still in the default language: translate these parts in place, then take their ids out\n\
             of this list (until then they print in the default language). Written by `cityreport translate`.",
        ),
        "translated" => Some(
            "The version of the default language's text each part was made from: `cityreport check`\n\
             says when it changes. Written by `cityreport translate`; do not edit.",
        ),
        _ => None,
    });

    // The sections in the default language's order, each from the file it is kept from.
    let base_slices = sections(base);
    let own_slices = own.map(sections).unwrap_or_default();
    let mut body = String::new();
    for s in &base.sections {
        let slice = if keep(&s.id) { own_slices.get(&s.id) } else { None }.or_else(|| base_slices.get(&s.id));
        if let Some(slice) = slice {
            body += "\n";
            body += slice.trim_matches('\n');
            body += "\n";
        }
    }
    // The footnote definitions the body cites: the translation's where it has the label,
    // else the default language's.
    let own_notes = own.map(definitions).unwrap_or_default();
    let base_notes = definitions(base);
    let mut notes = String::new();
    for label in citations(&body) {
        if let Some(def) = own_notes.get(&label).or_else(|| base_notes.get(&label)) {
            notes += def.trim_end_matches('\n');
            notes += "\n";
        }
    }
    out += &body;
    if !notes.is_empty() {
        out += "\n";
        out += &notes;
    }
    out
}

/// Each section's Markdown as written (heading to the next heading), without footnote
/// definitions, by id.
fn sections(text: &Text) -> BTreeMap<String, String> {
    let body = &text.source.text[text.source.start()..];
    let mut out = BTreeMap::new();
    for (i, s) in text.sections.iter().enumerate() {
        let end = text.sections.get(i + 1).map_or(body.len(), |n| n.span.start);
        let raw = body.get(s.span.start..end).unwrap_or("");
        let kept: String = split_definitions(raw).0;
        out.insert(s.id.clone(), kept);
    }
    out
}

/// The footnote definitions of a text, by label (each with its continuation lines).
fn definitions(text: &Text) -> BTreeMap<String, String> {
    split_definitions(&text.source.text[text.source.start()..]).1
}

/// `raw` without its footnote definitions, and the definitions by label. A definition is a
/// line `[^label]: …` and the indented lines after it.
fn split_definitions(raw: &str) -> (String, BTreeMap<String, String>) {
    let mut text = String::new();
    let mut defs: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in raw.split_inclusive('\n') {
        if let Some(label) =
            line.strip_prefix("[^").and_then(|l| l.split_once("]:")).map(|(l, _)| l.to_string())
        {
            defs.insert(label.clone(), line.to_string());
            current = Some(label);
        } else if let Some(label) =
            current.as_ref().filter(|_| line.starts_with("    ") || line.starts_with('\t'))
        {
            if let Some(d) = defs.get_mut(label) {
                d.push_str(line);
            }
        } else {
            current = None;
            text.push_str(line);
        }
    }
    (text, defs)
}

/// The footnote labels cited in `body`, in order of first citation.
fn citations(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("[^") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(']') else { break };
        let label = &rest[..end];
        if !label.is_empty() && !label.contains(char::is_whitespace) && !out.iter().any(|l| l == label) {
            out.push(label.to_string());
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_citations_are_read_from_the_markdown() {
        let raw = "# A {#a}\n\nText.[^1] More[^note].\n\n[^1]: One.\n[^note]: Two,\n    continued.\nAfter.\n";
        let (text, defs) = split_definitions(raw);
        assert_eq!(text, "# A {#a}\n\nText.[^1] More[^note].\n\nAfter.\n");
        assert_eq!(defs["1"], "[^1]: One.\n");
        assert_eq!(defs["note"], "[^note]: Two,\n    continued.\n");
        assert_eq!(citations(&text), ["1", "note"]);
    }
}
