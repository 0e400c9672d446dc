//! `data/cities/<slug>/<lang>.md`: the `+++` front matter and the Markdown body of one
//! language, parsed and checked.

use super::*;

/// The front matter of `<lang>.md`: the one type it is read into (as [`Spans`], whose strings
/// know where they are written, to place mistakes) and written from (`FrontMatter` of plain
/// strings, by `cityreport translate` and `cityreport new`, through [`FrontMatter::to_toml`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter<S = String, L = Vec<S>> {
    /// The cover's line under the city's name.
    pub tagline: Option<S>,
    /// The key-takeaway boxes.
    pub takeaways: Option<L>,
    /// The mayor's pull quote.
    pub quote: Option<QuoteMatter<S>>,
    /// Rows of the key-figures box.
    pub figures: Option<FiguresMatter<S>>,
    /// In a translation, written by `cityreport translate`: the parts in the file still in the
    /// default language, to be translated (they print as the default language's).
    pub to_translate: Option<Vec<String>>,
    /// In a translation, written by `cityreport translate`: for each translated part, the
    /// hash of the default language's part it translates ([`part_hash`]).
    pub translated: Option<BTreeMap<String, String>>,
}

/// The front matter as read, every string with its place in the file.
pub(super) type Spans = FrontMatter<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

/// `[quote]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteMatter<S = String> {
    /// What was said.
    pub text: S,
    /// Who said it.
    pub attribution: S,
}

/// `[figures]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiguresMatter<S = String> {
    /// Where the city is, in one sentence.
    pub location: Option<S>,
}

impl From<&Spans> for FrontMatter {
    /// The strings as written, without their places.
    fn from(fm: &Spans) -> Self {
        let plain = |s: &Spanned<String>| s.get_ref().clone();
        Self {
            tagline: fm.tagline.as_ref().map(plain),
            takeaways: fm.takeaways.as_ref().map(|v| v.get_ref().iter().map(plain).collect()),
            quote: fm
                .quote
                .as_ref()
                .map(|q| QuoteMatter { text: plain(&q.text), attribution: plain(&q.attribution) }),
            figures: fm.figures.as_ref().map(|f| FiguresMatter { location: f.location.as_ref().map(plain) }),
            to_translate: fm.to_translate.clone(),
            translated: fm.translated.clone(),
        }
    }
}

impl FrontMatter {
    /// Whether the front matter has `part` (a section is never in it).
    pub fn has(&self, part: &Part) -> bool {
        match part {
            Part::Tagline => self.tagline.is_some(),
            Part::Takeaways => self.takeaways.is_some(),
            Part::Quote => self.quote.is_some(),
            Part::Location => self.figures.as_ref().is_some_and(|f| f.location.is_some()),
            Part::Section(_) => false,
        }
    }

    /// The front matter as written between and with its `+++` lines: each field (`tagline`,
    /// `takeaways`, `to_translate`, `quote`, `figures`, `translated`) that is there, after the
    /// comment `comment` gives for its name; the takeaways one a line. Reads back as itself.
    pub fn to_toml(&self, comment: impl Fn(&str) -> Option<&'static str>) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let note = |out: &mut String, key: &str| {
            for line in comment(key).unwrap_or_default().lines() {
                *out += &format!("# {line}\n");
            }
        };
        let mut out = String::from("+++\n");
        if let Some(t) = &self.tagline {
            note(&mut out, "tagline");
            out += &format!("tagline = {}\n", q(t));
        }
        if let Some(list) = &self.takeaways {
            note(&mut out, "takeaways");
            out += "takeaways = [\n";
            list.iter().for_each(|t| out += &format!("  {},\n", q(t)));
            out += "]\n";
        }
        if let Some(list) = self.to_translate.as_ref().filter(|l| !l.is_empty()) {
            note(&mut out, "to_translate");
            out +=
                &format!("to_translate = [{}]\n", list.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "));
        }
        if let Some(quote) = &self.quote {
            out += "\n";
            note(&mut out, "quote");
            out += &format!("[quote]\ntext = {}\nattribution = {}\n", q(&quote.text), q(&quote.attribution));
        }
        if let Some(location) = self.figures.as_ref().and_then(|f| f.location.as_ref()) {
            out += "\n";
            note(&mut out, "figures");
            out += &format!("[figures]\nlocation = {}\n", q(location));
        }
        if let Some(translated) = &self.translated {
            out += "\n";
            note(&mut out, "translated");
            out += "[translated]\n";
            translated.iter().for_each(|(id, hash)| out += &format!("{} = {}\n", bare_key(id), q(hash)));
        }
        out + "+++\n"
    }
}

/// A TOML key: bare when it can be, else quoted.
fn bare_key(id: &str) -> String {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        id.to_string()
    } else {
        toml::Value::String(id.to_string()).to_string()
    }
}

/// The mayor's quote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quote {
    /// What was said (no quotation marks: the template adds the language's own).
    pub text: Vec<Inline>,
    /// Who said it.
    pub attribution: Vec<Inline>,
}

/// The pairs of double quotation marks of the site's languages and their neighbours: “…”,
/// „…“, „…”, «…», »…«, ”…” and straight "…".
const MARK_PAIRS: [(char, char); 7] =
    [('“', '”'), ('„', '“'), ('„', '”'), ('«', '»'), ('»', '«'), ('”', '”'), ('"', '"')];

/// A quote typed with its own quotation marks, without them: the template adds the language's
/// marks around the quote, which would otherwise print twice (““…””). The marks go only when
/// they stand at the two ends as a pair that encloses the whole quote (not `"Yes," she said,
/// "we do."`); quotations inside it stay.
fn without_outer_marks(mut text: Vec<Inline>) -> Vec<Inline> {
    let plain = markdown::plain_text(&text);
    let trimmed = plain.trim();
    let (Some(first), Some(last)) = (trimmed.chars().next(), trimmed.chars().last()) else { return text };
    let encloses = |&(open, close): &(char, char)| {
        first == open && last == close && trimmed.chars().count() > 2 && {
            let inner: Vec<char> = trimmed.chars().skip(1).take(trimmed.chars().count() - 2).collect();
            encloses_all(&inner, open, close)
        }
    };
    let starts = matches!(text.first(), Some(Inline::Text { text }) if text.trim_start().starts_with(first));
    let ends = matches!(text.last(), Some(Inline::Text { text }) if text.trim_end().ends_with(last));
    if !(starts && ends && MARK_PAIRS.iter().any(encloses)) {
        return text;
    }
    if let Some(Inline::Text { text }) = text.first_mut() {
        let t = text.trim_start();
        *text = t[first.len_utf8()..].trim_start().to_string();
    }
    if let Some(Inline::Text { text }) = text.last_mut() {
        let t = text.trim_end();
        *text = t[..t.len() - last.len_utf8()].trim_end().to_string();
    }
    text.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
    text
}

/// Whether marks `open`…`close` around `inner` enclose all of it: no mark of the pair inside
/// closes them early. Where both marks are the same character, one after a space (or at the
/// start) opens and any other closes.
fn encloses_all(inner: &[char], open: char, close: char) -> bool {
    let mut depth = 0i32;
    for (i, &c) in inner.iter().enumerate() {
        let after_space = i == 0 || inner[i - 1].is_whitespace() || "([{–—".contains(inner[i - 1]);
        let opens = c == open && (open != close || after_space);
        if opens {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
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
    /// The front matter as written (Markdown strings), for `translate`.
    pub front: FrontMatter,
    /// Parts in the file still in the default language (`to_translate`).
    pub to_translate: Vec<String>,
    /// Part id → hash of the default-language part it translates (`translated`).
    pub translated: BTreeMap<String, String>,
    /// The file, for errors found later.
    pub source: Place,
}

/// Parses one `<lang>.md` (front matter and Markdown body) whose text is `text` and whose path,
/// as the user knows it, is `shown`. Pure: no files are read (the fuzz targets call it).
pub fn parse_text(shown: &Path, text: Arc<str>, lang: &str) -> Result<Text, Diagnostics> {
    let shown = shown.to_path_buf();
    let (fm_range, body_start) = front_matter_range(&shown, &text)?;
    let fm: Spans = parse_toml(&shown, &text, fm_range.start, &text[fm_range.clone()])?;
    let mut errors = Vec::new();
    let mut inline = |s: &Spanned<String>| front_field(&shown, &text, fm_range.start, s, &mut errors);
    let tagline = fm.tagline.as_ref().and_then(&mut inline);
    let takeaways =
        fm.takeaways.as_ref().map(|v| v.get_ref().iter().filter_map(&mut inline).collect::<Vec<_>>());
    // Both halves are converted, so a mistake in each is reported in the same run.
    let quote = fm.quote.as_ref().and_then(|q| {
        let (text, attribution) = (inline(&q.text), inline(&q.attribution));
        // With the break points a run had with its marks (see `markdown::insert_break_points`).
        let mut text = text?;
        markdown::insert_break_points(&mut text);
        Some(Quote { text: without_outer_marks(text), attribution: attribution? })
    });
    let location = fm.figures.as_ref().and_then(|f| f.location.as_ref()).and_then(&mut inline);
    let source = Place::from_offset(shown.clone(), text.clone(), body_start);
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
    let front = FrontMatter::from(&fm);
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
    let src = Place::from_offset(shown.to_path_buf(), text.clone(), fm_start + s.span().start);
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
    let raw = text.get(src.start()..(fm_start + s.span().end).min(text.len())).unwrap_or("");
    let map = toml_string_offsets(raw, value);
    let at = |i: usize| map.as_ref().and_then(|m| m.get(i.checked_sub(src.start())?).copied());
    errors.extend(d.0.into_iter().map(|mut e| {
        e.range = match (at(e.range.start), at(e.range.end)) {
            (Some(a), Some(b)) => src.start() + a..src.start() + b.max(a),
            _ => src.start()..src.start() + 1,
        };
        e
    }));
    None
}

/// The default language's text must have every part.
pub(super) fn check_complete(t: &Text) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let top = 0..t.source.start().min(3);
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
    // The update section is news, item by item: a paragraph alone is most likely a list whose
    // `- ` was forgotten.
    if let Some(update) = t.sections.iter().find(|s| s.id == markdown::ids::UPDATE)
        && !update.blocks.iter().any(|b| matches!(b, markdown::Block::List { .. }))
    {
        errors.push(
            t.source
                .error(update.span.clone(), "the update section has no list of news")
                .hint("write each piece of news as an item of a `- ` list (a sentence may stand before it)")
                .warning(),
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks typed around a quote go (the template adds the language's own); marks that do not
    /// enclose the whole quote, and quotations inside it, stay.
    #[test]
    fn a_quotes_own_outer_marks_go() {
        let stripped =
            |s: &str| markdown::plain_text(&without_outer_marks(vec![Inline::Text { text: s.into() }]));
        assert_eq!(stripped("“As a Welcoming City, we act.”"), "As a Welcoming City, we act.");
        assert_eq!(
            stripped("„Als \"Welcoming City\" fragen wir nicht.“"),
            "Als \"Welcoming City\" fragen wir nicht."
        );
        assert_eq!(stripped("«Una “città rifugio” resta fedele.»"), "Una “città rifugio” resta fedele.");
        assert_eq!(stripped("« Nous accueillons. »"), "Nous accueillons.");
        assert_eq!(stripped("\"Welcome\" is what we say"), "\"Welcome\" is what we say");
        assert_eq!(stripped("\"Yes,\" she said, \"we do.\""), "\"Yes,\" she said, \"we do.\"");
        assert_eq!(stripped("“One” and “two”"), "“One” and “two”");
        assert_eq!(stripped("No marks."), "No marks.");
    }

    /// A quote's own marks go after its break opportunities are placed: a run the mark ended
    /// keeps them where it had them with the mark.
    #[test]
    fn a_quotes_break_opportunities_are_placed_with_its_marks() {
        let md = "+++\n[quote]\ntext = \"„Bundesausbildungsförderungsgesetz ist gut.“\"\nattribution = \"A\"\n+++\n";
        let text = parse_text(Path::new("en.md"), md.into(), "en").unwrap();
        let expected = "Bundesausbildungsförderungsge\u{200B}setz ist gut.";
        assert_eq!(text.quote.unwrap().text, vec![Inline::Text { text: expected.into() }]);
    }

    /// What `translate` and `new` write reads back as the same front matter.
    #[test]
    fn the_front_matter_reads_back_as_written() {
        let front = FrontMatter {
            tagline: Some("A \"city\" of *welcome*".into()),
            takeaways: Some(vec!["One.".into(), "Two, with \\ and 'quotes'.".into()]),
            quote: Some(QuoteMatter { text: "We welcome.".into(), attribution: "A Mayor".into() }),
            figures: Some(FiguresMatter { location: Some("North of the river".into()) }),
            to_translate: Some(vec!["quote".into(), "3.1-x".into()]),
            translated: Some([("tagline".into(), "ab12".into()), ("a.b".into(), "cd34".into())].into()),
        };
        let written = front.to_toml(|key| (key == "quote").then_some("The mayor's\npull quote."));
        assert!(written.contains("\n# The mayor's\n# pull quote.\n[quote]\n"), "{written}");
        let (range, _) = split_front_matter(&written).expect("between +++ lines");
        let read: Spans = toml::from_str(&written[range]).expect("TOML");
        assert_eq!(FrontMatter::from(&read), front);
        assert_eq!(FrontMatter::default().to_toml(|_| None), "+++\n+++\n");
    }
}
