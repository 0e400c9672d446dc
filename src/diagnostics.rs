//! Located errors: everything a person wrote (data files, templates) is reported with its
//! file, line and column, a caret under the offending text, and a hint where one helps.
//!
//! May import: nothing of the crate (every stage imports this).
//!
//! Every stage reports problems in its input as [`Diagnostic`]s; a stage that finds several
//! problems returns them all at once as [`Diagnostics`], so `check` can list every mistake in
//! one run instead of one per run.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// A place in a file a person wrote: the file as shown to them, its whole text, and a range
/// of it (a part, a piece of Markdown, or the whole file). The one way a stage keeps where
/// something was written, to say it there.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// The whole file.
    pub text: Arc<str>,
    /// Where in `text`.
    pub range: Range<usize>,
}

impl Place {
    /// The whole file `path` whose text is `text`.
    pub fn file(path: impl Into<PathBuf>, text: Arc<str>) -> Self {
        let range = 0..text.len();
        Self { path: path.into(), text, range }
    }

    /// The piece of `path` that starts at byte `start` and runs to the end of the file.
    pub fn from_offset(path: impl Into<PathBuf>, text: Arc<str>, start: usize) -> Self {
        let range = start..text.len();
        Self { path: path.into(), text, range }
    }

    /// Where the piece starts in the file.
    pub fn start(&self) -> usize {
        self.range.start
    }

    /// The place `span` (relative to this piece's start) in the same file.
    pub fn within(&self, span: Range<usize>) -> Self {
        let range = span.start + self.start()..span.end + self.start();
        Self { range, ..self.clone() }
    }

    /// An error at `range`, relative to this piece's start.
    pub fn error(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(
            self.path.clone(),
            &self.text,
            range.start + self.start()..range.end + self.start(),
            message,
        )
    }
}

/// One problem in one file a person wrote.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file, as the user knows it (relative to the project root where possible).
    pub path: PathBuf,
    /// The file's whole text, to show the offending line; `None` for files that could not be
    /// read or for problems with the file as a whole.
    pub text: Option<Arc<str>>,
    /// Byte range of the problem in `text`.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hints: Vec<String>,
    /// A warning does not stop a report from being made.
    pub warning: bool,
}

impl Diagnostic {
    /// A problem at `range` in the file `path` whose text is `text`.
    pub fn at(
        path: impl Into<PathBuf>,
        text: &Arc<str>,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let len = text.len();
        let start = floor_char_boundary(text, range.start.min(len));
        let mut end = floor_char_boundary(text, range.end.clamp(start, len));
        // A construct's range often ends with its line break: the caret stays on its lines.
        while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Self {
            path: path.into(),
            text: Some(text.clone()),
            range: start..end,
            message: message.into(),
            hints: Vec::new(),
            warning: false,
        }
    }

    /// A problem with a file as a whole (it is missing, unreadable, …).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: None,
            range: 0..0,
            message: message.into(),
            hints: Vec::new(),
            warning: false,
        }
    }

    /// Adds a hint saying what to do.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Turns the problem into a warning.
    pub fn warning(mut self) -> Self {
        self.warning = true;
        self
    }

    /// 1-based line and column of the start of the problem (columns count characters).
    pub fn line_column(&self) -> (usize, usize) {
        match &self.text {
            Some(text) => line_column(text, self.range.start),
            None => (1, 1),
        }
    }

    /// Writes the diagnostic in the human format: message, `file:line:col`, the line with a
    /// caret, hints.
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        let name = self.path.display().to_string();
        let cs = if self.warning { CsDiagnostic::warning() } else { CsDiagnostic::error() }
            .with_message(&self.message)
            .with_notes(self.hints.iter().map(|h| format!("hint: {h}")).collect());
        match &self.text {
            Some(text) => {
                let (shown, range) = excerpt(text, self.range.clone());
                let (line, column) = self.line_column();
                let file = Excerpt {
                    name,
                    file: SimpleFile::new(String::new(), shown),
                    line,
                    column,
                    at: range.start,
                };
                let cs = cs.with_labels(vec![Label::primary((), range)]);
                term::emit(out, &term::Config::default(), &file, &cs).map_err(std::io::Error::other)
            }
            None => {
                let file = SimpleFile::new(name.clone(), "");
                let cs = cs.with_message(format!("{name}: {}", self.message));
                term::emit(out, &term::Config::default(), &file, &cs).map_err(std::io::Error::other)
            }
        }
    }
}

/// The most characters of one line a message shows: a line of a pasted export can be
/// megabytes long, and a message shows the part around its caret.
pub const SHOWN_CHARS: usize = 100;

/// What a message shows of `text` for the problem at `range`: the lines of the range (the
/// lines before it left empty, so line numbers stay right), each cut to [`SHOWN_CHARS`] around
/// the range with `…` where it was cut, and control characters drawn as their pictures (␀);
/// and the range in that text.
fn excerpt(text: &str, range: Range<usize>) -> (String, Range<usize>) {
    let first = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let last = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i);
    let mut out = "\n".repeat(text[..first].matches('\n').count());
    let mut mapped = (0, 0);
    let mut line_start = first;
    for raw in text[first..last].split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let local = |p: usize| p.clamp(line_start, line_start + line.len()) - line_start;
        let (a, b) = (local(range.start), local(range.end));
        let (from, to) = window(line, a);
        let head = if from > 0 { "…" } else { "" };
        // The line in three pieces: before the range, in it, after it (each clamped to the
        // window); only the piece in the range shows invisible characters by their code.
        let (ca, cb) = (a.clamp(from, to), b.clamp(from, to).max(a.clamp(from, to)));
        let pieces = [shown(&line[from..ca], false), shown(&line[ca..cb], true), shown(&line[cb..to], false)];
        if (line_start..=line_start + raw.len()).contains(&range.start) {
            mapped.0 = out.len() + head.len() + pieces[0].len();
        }
        if (line_start..=line_start + raw.len()).contains(&range.end) {
            mapped.1 = out.len() + head.len() + pieces[0].len() + pieces[1].len();
        }
        out.push_str(head);
        out.extend(pieces);
        if to < line.len() {
            out.push('…');
        }
        out.push('\n');
        line_start += raw.len() + 1;
    }
    let end = mapped.1.max(mapped.0);
    (out, mapped.0..end)
}

/// The byte range of `line` a message shows: all of it, or [`SHOWN_CHARS`] characters that
/// start a little before byte `a`.
fn window(line: &str, a: usize) -> (usize, usize) {
    if line.chars().count() <= SHOWN_CHARS {
        return (0, line.len());
    }
    let before = line[..a].chars().count();
    let skip = before.saturating_sub(SHOWN_CHARS / 3);
    let offset = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    (offset(skip), offset(skip + SHOWN_CHARS))
}

/// Characters that print nothing and need no glyph: joiners, marks and isolates of direction,
/// the soft hyphen, variation selectors, the grapheme joiner, tag characters (of flags such as
/// England's) and a byte-order mark. A message shows them by their code.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// `s` with its control characters (but tabs) drawn as Unicode's control pictures, and (when
/// `marked`, the text under the caret) characters that print nothing as their code, so the
/// caret has something to point at.
fn shown(s: &str, marked: bool) -> String {
    if !marked {
        return visible(s);
    }
    s.chars()
        .map(|c| {
            if is_invisible(c) || c == '\u{180E}' {
                format!("<U+{:04X}>", c as u32)
            } else {
                visible(&c.to_string())
            }
        })
        .collect()
}

/// `s` with its control characters (but tabs) drawn as Unicode's control pictures.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0x09 => c,
            u @ 0..0x20 => char::from_u32(0x2400 + u).unwrap_or('\u{FFFD}'),
            0x7F => '\u{2421}',
            _ if c.is_control() => '\u{FFFD}',
            _ => c,
        })
        .collect()
}

/// The shown excerpt of a file, which reports the real line and column of the problem (the
/// excerpt's own columns differ where it was cut).
struct Excerpt {
    name: String,
    file: SimpleFile<String, String>,
    line: usize,
    column: usize,
    at: usize,
}

impl<'a> codespan_reporting::files::Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file.source())
    }

    fn line_index(&'a self, (): (), byte: usize) -> Result<usize, codespan_reporting::files::Error> {
        self.file.line_index((), byte)
    }

    fn line_range(&'a self, (): (), line: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        self.file.line_range((), line)
    }

    fn location(
        &'a self,
        (): (),
        byte: usize,
    ) -> Result<codespan_reporting::files::Location, codespan_reporting::files::Error> {
        if byte == self.at {
            return Ok(codespan_reporting::files::Location {
                line_number: self.line,
                column_number: self.column,
            });
        }
        self.file.location((), byte)
    }
}

impl fmt::Display for Diagnostic {
    /// The short format: `file:line:col: error: message (hint: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_column();
        let kind = if self.warning { "warning" } else { "error" };
        write!(f, "{}:{line}:{col}: {kind}: {}", self.path.display(), self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Several problems, found together.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any of them is an error (not a warning).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| !d.warning)
    }

    /// Writes all of them in the human format.
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        for d in &self.0 {
            d.emit(out)?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `path` relative to `base` when it lies inside it, for shorter messages.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// A TOML error from the `toml` crate, located in `text`.
pub fn from_toml(path: &Path, text: &Arc<str>, offset: usize, err: &toml::de::Error) -> Diagnostic {
    let range = err.span().map_or(offset..offset, |r| r.start + offset..r.end + offset);
    let (message, hint) = toml_in_words(err.message().trim_end());
    let d = Diagnostic::at(path, text, range, message);
    match hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// The TOML reader's message in an editor's words, with what to do: the reader speaks of the
/// program's types (`expected u64`), an editor of what to write.
fn toml_in_words(message: &str) -> (String, Option<String>) {
    let quoted = |m: &str, open: char, close: char| {
        let start = m.find(open)? + open.len_utf8();
        let end = start + m[start..].find(close)?;
        Some(m[start..end].to_string())
    };
    let number_kinds = ["u64", "u32", "u16", "u8", "i64", "i32", "i16", "i8", "usize", "an integer"];
    let expects_number = number_kinds.iter().any(|k| message.ends_with(&format!("expected {k}")));
    if let (Some(rest), true) = (message.strip_prefix("invalid type: string "), expects_number) {
        let written = quoted(rest, '"', '"').unwrap_or_default();
        let digits: String = written.chars().filter(char::is_ascii_digit).collect();
        let example = if digits.is_empty() { "360000".to_string() } else { digits };
        return (
            format!("this must be a number, not the text \"{written}\""),
            Some(format!("write digits only, without quotes, spaces, commas or points: {example}")),
        );
    }
    if expects_number && message.starts_with("invalid type:") {
        return ("this must be a whole number".into(), Some("write digits only, e.g. 360000 or 2023".into()));
    }
    if message.starts_with("invalid value: integer") && expects_number {
        return (
            "this number is out of range (negative or too large)".into(),
            Some("write a whole number of zero or more".into()),
        );
    }
    if let Some(field) = message.strip_prefix("missing field ").and_then(|m| quoted(m, '`', '`')) {
        return (
            format!("the field `{field}` is missing here"),
            Some(format!(
                "add a line `{field} = …`, or a `[{field}]` table where it is one (the README's \"Writing a city report\" lists every field and which are required)"
            )),
        );
    }
    if message.starts_with("unknown field") {
        return (message.to_string(), Some("check the field's spelling, or delete it".into()));
    }
    if message.starts_with("invalid type:") && message.ends_with("expected a sequence") {
        return (
            "this must be a list in square brackets".into(),
            Some("write it as a list, even of one item: [\"…\", \"…\"]".into()),
        );
    }
    if message.contains("did not match any variant of untagged enum PerLanguage") {
        return (
            "this must be text in quotes, or one text per language".into(),
            Some("write `\"Milan\"`, or `{ en = \"Milan\", de = \"Mailand\" }`".into()),
        );
    }
    if message.starts_with("invalid type:") && message.ends_with("expected a string") {
        return (
            "this must be text in quotes".into(),
            Some("write it in double quotes, e.g. name = \"Utrecht\"".into()),
        );
    }
    (message.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TOML reader's messages as an editor reads them, each with what to write.
    #[test]
    fn toml_messages_are_in_the_editors_words() {
        for (said, says, hint) in [
            ("invalid type: string \"360,000\", expected u64", "not the text \"360,000\"", "360000"),
            ("invalid type: string \"x\", expected i32", "must be a number", "digits only"),
            ("invalid value: integer `-5`, expected u64", "out of range", "zero or more"),
            ("missing field `name`", "the field `name` is missing here", "`name = …`"),
            ("invalid type: string \"a\", expected a sequence", "a list in square brackets", "[\""),
            (
                "data did not match any variant of untagged enum PerLanguage",
                "one text per language",
                "{ en =",
            ),
            ("invalid type: integer `5`, expected a string", "text in quotes", "double quotes"),
        ] {
            let (message, h) = toml_in_words(said);
            assert!(message.contains(says), "{said} → {message}");
            assert!(h.is_some_and(|h| h.contains(hint)), "{said}: no hint with {hint}");
        }
        assert_eq!(toml_in_words("expected `=`").0, "expected `=`");
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "ab\nłód x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // "łó" is 4 bytes, 2 characters.
        assert_eq!(line_column(text, 3 + "łód ".len()), (2, 5));
    }

    fn emitted(d: &Diagnostic) -> String {
        let mut out = termcolor::NoColor::new(Vec::new());
        d.emit(&mut out).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn a_long_line_is_shown_around_its_caret_and_control_characters_as_pictures() {
        let long = format!("first\n{}BAD{}\n", "x".repeat(5000), "y".repeat(5000));
        let text: Arc<str> = Arc::from(long);
        let at = 6 + 5000;
        let shown = emitted(&Diagnostic::at("f.md", &text, at..at + 3, "bad"));
        assert!(shown.contains("f.md:2:5001"), "{shown}");
        assert!(shown.len() < 1000, "{} bytes:\n{shown}", shown.len());
        let line = shown.lines().find(|l| l.contains("BAD")).unwrap();
        assert!(line.contains("…x") && line.contains("y…"), "{line}");
        let caret = shown.lines().find(|l| l.contains("^^^")).unwrap();
        assert_eq!(caret.chars().position(|c| c == '^'), line.chars().position(|c| c == 'B'), "{shown}");

        let text: Arc<str> = Arc::from("x = \"a\u{180E}b\u{200D}c\"\n");
        let shown = emitted(&Diagnostic::at("f.toml", &text, 6..9, "invisible"));
        assert!(shown.contains("a<U+180E>b\u{200D}c") && shown.contains("^^^^^^^^"), "{shown}");

        let text: Arc<str> = Arc::from("a = 1\nb\0c\n");
        let shown = emitted(&Diagnostic::at("f.toml", &text, 7..8, "nul"));
        assert!(shown.contains("b\u{2400}c") && !shown.contains('\0'), "{shown}");
        assert!(shown.contains("f.toml:2:2"), "{shown}");
    }

    #[test]
    fn short_format_names_file_line_and_column() {
        let text: Arc<str> = Arc::from("a = 1\nb = ?\n");
        let d = Diagnostic::at("x.toml", &text, 10..11, "bad value").hint("write a number");
        assert_eq!(d.to_string(), "x.toml:2:5: error: bad value (hint: write a number)");
    }
}
