//! `data/cities/<slug>/<lang>.md`: the `+++` front matter and the Markdown body of one
//! language, parsed and checked.

use super::*;

/// The front matter of `<lang>.md` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrontMatter {
    tagline: Option<Spanned<String>>,
    takeaways: Option<Spanned<Vec<Spanned<String>>>>,
    quote: Option<QuoteMatter>,
    figures: Option<FiguresMatter>,
    /// In a translation, written by `cityreport translate`: the parts in the file still in the
    /// default language, to be translated (they print as the default language's).
    to_translate: Option<Vec<String>>,
    /// In a translation, written by `cityreport translate`: for each translated part, the
    /// hash of the default language's part it translates ([`part_hash`]).
    translated: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QuoteMatter {
    text: Spanned<String>,
    attribution: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FiguresMatter {
    location: Option<Spanned<String>>,
}

/// A text file's front-matter strings as written (Markdown, before conversion).
#[derive(Debug, Clone, Default)]
pub struct FrontStrings {
    /// `tagline`.
    pub tagline: Option<String>,
    /// `takeaways`.
    pub takeaways: Option<Vec<String>>,
    /// `[quote]`: its text and attribution.
    pub quote: Option<(String, String)>,
    /// `[figures] location`.
    pub location: Option<String>,
}

/// The mayor's quote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quote {
    /// What was said (no quotation marks: the template adds the language's own).
    pub text: Vec<Inline>,
    /// Who said it.
    pub attribution: Vec<Inline>,
}

/// One `<lang>.md`, converted. Every part is optional: a translation may cover only some.
#[derive(Debug, Clone)]
pub struct Text {
    /// The cover's line under the city's name.
    pub tagline: Option<Vec<Inline>>,
    /// The key-takeaway boxes of section 1.
    pub takeaways: Option<Vec<Vec<Inline>>>,
    /// The mayor's pull quote.
    pub quote: Option<Quote>,
    /// The key-figures box's location and region.
    pub location: Option<Vec<Inline>>,
    /// The numbered sections of the body, in order.
    pub sections: Vec<Section>,
    /// The front-matter strings as written (Markdown), for `translate`.
    pub front: FrontStrings,
    /// Parts in the file still in the default language (`to_translate`).
    pub to_translate: Vec<String>,
    /// Part id → hash of the default-language part it translates (`translated`).
    pub translated: BTreeMap<String, String>,
    /// The file, for errors found later.
    pub source: SourceRef,
}

/// Parses one `<lang>.md` (front matter and Markdown body) whose text is `text` and whose path,
/// as the user knows it, is `shown`. Pure: no files are read (the fuzz targets call it).
pub fn parse_text(shown: &Path, text: Arc<str>, lang: &str) -> Result<Text, Diagnostics> {
    let shown = shown.to_path_buf();
    let (fm_range, body_start) = front_matter_range(&shown, &text)?;
    let fm: FrontMatter = parse_toml(&shown, &text, fm_range.start, &text[fm_range.clone()])?;
    let mut errors = Vec::new();
    let mut inline = |s: &Spanned<String>| front_field(&shown, &text, fm_range.start, s, &mut errors);
    let tagline = fm.tagline.as_ref().and_then(&mut inline);
    let takeaways =
        fm.takeaways.as_ref().map(|v| v.get_ref().iter().filter_map(&mut inline).collect::<Vec<_>>());
    // Both halves are converted, so a mistake in each is reported in the same run.
    let quote = fm.quote.as_ref().and_then(|q| {
        let (text, attribution) = (inline(&q.text), inline(&q.attribution));
        Some(Quote { text: text?, attribution: attribution? })
    });
    let location = fm.figures.as_ref().and_then(|f| f.location.as_ref()).and_then(&mut inline);
    let source = SourceRef { path: shown.clone(), text: text.clone(), offset: body_start };
    let sections = match markdown::convert_body(&source, &text[body_start..], &format!("fn:{lang}:")) {
        Ok(s) => s,
        Err(d) => {
            errors.extend(d.0);
            Vec::new()
        }
    };
    if let Some(t) = &fm.takeaways
        && t.get_ref().is_empty()
    {
        let span = fm_range.start + t.span().start..fm_range.start + t.span().end;
        errors.push(
            Diagnostic::at(&shown, &text, span, "`takeaways` is empty").hint(
                "write at least one takeaway, or delete the field to fall back to the default language",
            ),
        );
    }
    let front = FrontStrings::of(&fm);
    let (to_translate, translated) = (fm.to_translate.unwrap_or_default(), fm.translated.unwrap_or_default());
    if errors.is_empty() {
        Ok(Text { tagline, takeaways, quote, location, sections, source, front, to_translate, translated })
    } else {
        Err(Diagnostics(errors))
    }
}

/// The TOML's byte range and where the body starts, or why the file has no front matter.
fn front_matter_range(shown: &Path, text: &Arc<str>) -> Result<(Range<usize>, usize), Diagnostic> {
    let first_line = 0..text.find('\n').unwrap_or(text.len());
    split_front_matter(text).ok_or_else(|| {
        if opens_front_matter(text) {
            Diagnostic::at(shown, text, first_line, "the front matter that starts here has no closing `+++` line")
                .hint("end the TOML fields with a line `+++` of its own, before the Markdown body")
        } else {
            Diagnostic::at(shown, text, first_line, "the file does not start with a `+++` front matter block")
                .hint("start with a line `+++`, the TOML fields (tagline, takeaways, quote, figures), another `+++`, then the Markdown body; the block may be empty")
        }
    })
}

/// A front-matter string `s` (the TOML starts at byte `fm_start` of `text`) as inline
/// Markdown, or `None` with its errors in `errors`, placed in the file through the string's
/// quotes and escapes.
fn front_field(
    shown: &Path,
    text: &Arc<str>,
    fm_start: usize,
    s: &Spanned<String>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Inline>> {
    let src = SourceRef { path: shown.to_path_buf(), text: text.clone(), offset: fm_start + s.span().start };
    let value = s.get_ref();
    if value.trim().is_empty() {
        errors.push(
            src.error(0..1, "this field is empty")
                .hint("delete the field to fall back to the default language, or write the text"),
        );
        return None;
    }
    let d = match markdown::convert_inline(&src, value) {
        Ok(v) => return Some(v),
        Err(d) => d,
    };
    // The errors are at positions in the string's value; map them back to the file through
    // the string's quotes and escapes (or point at the string).
    let raw = text.get(src.offset..(fm_start + s.span().end).min(text.len())).unwrap_or("");
    let map = toml_string_offsets(raw, value);
    let at = |i: usize| map.as_ref().and_then(|m| m.get(i.checked_sub(src.offset)?).copied());
    errors.extend(d.0.into_iter().map(|mut e| {
        e.range = match (at(e.range.start), at(e.range.end)) {
            (Some(a), Some(b)) => src.offset + a..src.offset + b.max(a),
            _ => src.offset..src.offset + 1,
        };
        e
    }));
    None
}

impl FrontStrings {
    /// The front matter's strings as written.
    fn of(fm: &FrontMatter) -> Self {
        Self {
            tagline: fm.tagline.as_ref().map(|s| s.get_ref().clone()),
            takeaways: fm
                .takeaways
                .as_ref()
                .map(|v| v.get_ref().iter().map(|s| s.get_ref().clone()).collect()),
            quote: fm.quote.as_ref().map(|q| (q.text.get_ref().clone(), q.attribution.get_ref().clone())),
            location: fm.figures.as_ref().and_then(|f| f.location.as_ref()).map(|s| s.get_ref().clone()),
        }
    }
}

/// The default language's text must have every part.
pub(super) fn check_complete(t: &Text) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let top = 0..t.source.offset.min(3);
    let whole = |m: &str| Diagnostic::at(&t.source.path, &t.source.text, top.clone(), m.to_string());
    if t.tagline.is_none() {
        errors.push(whole("the default language must have a `tagline` in the front matter"));
    }
    if t.takeaways.is_none() {
        errors.push(whole("the default language must have `takeaways` in the front matter"));
    }
    if t.quote.is_none() {
        errors.push(whole(
            "the default language must have a `[quote]` with `text` and `attribution` in the front matter",
        ));
    }
    if t.location.is_none() {
        errors.push(whole("the default language must have `[figures]` `location` in the front matter"));
    }
    if t.sections.is_empty() {
        errors.push(whole("the default language has no sections").hint("write the report body under numbered headings such as `# Local background and context {#background}`"));
    }
    if !t.sections.is_empty() && !t.sections.iter().any(|s| s.id == markdown::ids::ABSTRACT) {
        errors.push(whole("the default language has no section with the id `abstract`").hint(
            "the section `# Abstract and Takeaways {#abstract}` is where the takeaways, the quote and the key figures are printed",
        ));
    }
    if let Some(first) = t.sections.first()
        && first.level != 1
    {
        errors.push(t.source.error(
            first.span.clone(),
            "the first numbered heading must be a section (`#`), not a sub-section (`##`)",
        ));
    }
    errors
}

/// Whether the first line of `text` is `+++` (after a byte-order mark).
pub(super) fn opens_front_matter(text: &str) -> bool {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    rest.lines().next().is_some_and(|l| l.trim_end() == "+++")
}

/// Finds the front matter: `+++\n…\n+++\n`. Returns the TOML's byte range and where the body
/// starts.
pub(super) fn split_front_matter(text: &str) -> Option<(Range<usize>, usize)> {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - rest.len();
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "+++" {
        return None;
    }
    let start = bom + first_end + 1;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((start..pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

impl Data {
    pub(super) fn load_text(&self, path: &Path, lang: &str) -> Result<Text, Diagnostics> {
        let shown = diagnostics::display_path(path, &self.root);
        let text = read(path, &self.root)?;
        parse_text(&shown, text, lang)
    }
}
