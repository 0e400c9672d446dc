//! The sandboxed reader of data files: only inside `data/`, at most [`MAX_FILE_BYTES`], UTF-8,
//! without characters no PDF can hold; bare CR line ends read as LF. And TOML parsing with
//! located errors.

use super::*;

/// The largest data file cityreport reads. Milan's whole English report is 60 KB; a file
/// many times that size is a mistake (a pasted export, a wrong file), and typesetting it
/// would take minutes and gigabytes.
pub(super) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a data file: only from inside the project's `data/` folder (a symbolic link that
/// leads elsewhere is refused before anything of its target is read), at most
/// [`MAX_FILE_BYTES`], and UTF-8 (a wrong byte is reported at its place).
pub(super) fn read(path: &Path, root: &Path) -> Result<Arc<str>, Diagnostic> {
    let shown = diagnostics::display_path(path, root);
    let real = inside_data(path, root)?;
    let size = regular_file_len(&real).map_err(|e| {
        Diagnostic::file(&shown, format!("cannot read the file: {e}"))
            .hint("a data file must be an ordinary file: remove what stands at this name, or rename it")
    })?;
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::file(
            shown,
            format!(
                "the file is {} KB; a data file may be at most {} KB",
                size / 1024,
                MAX_FILE_BYTES / 1024
            ),
        )
        .hint("a report's text is far smaller: check that this is the file you meant, or split it"));
    }
    let bytes = read_regular(&real, MAX_FILE_BYTES)
        .map_err(|e| Diagnostic::file(&shown, format!("cannot read the file: {e}")))?;
    let text = utf8(&shown, bytes)?;
    let text = bare_cr_as_lf(text);
    if let Some(at) = forbidden_char(&text) {
        return Err(forbidden_char_error(&shown, &text, at));
    }
    match forbidden_escape(&shown, &text) {
        Some(d) => Err(d),
        None => Ok(text),
    }
}

/// The length of the ordinary file at `path`; anything else that can stand at a name (a
/// folder, a named pipe, a device, a socket) is an error that says what it is, found without
/// opening it: opening a named pipe waits for a writer, forever.
pub(super) fn regular_file_len(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::fs::FileTypeExt;
    let meta = fs::metadata(path)?;
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(meta.len());
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not an ordinary file"
    };
    Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("it is {what}, not a file")))
}

/// Reads the ordinary file at `path` ([`regular_file_len`]), at most `limit` bytes: a file that
/// grows past it while it is read is an error, never a read without end.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let len = regular_file_len(path)?;
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        let message = format!("the file is larger than {} KB", limit / 1024);
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
    }
    Ok(bytes)
}

/// The characters a data file writes as escapes: Markdown's character references (`&#x41;`,
/// `&#65;`, `&eacute;`) and TOML's `\uXXXX` and `\UXXXXXXXX`, with their places and what they
/// stand for. The checks of characters (here, and the fonts' coverage) look through them: an
/// escape prints its character as surely as the character typed.
pub fn escapes(text: &str) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, b) in bytes.iter().enumerate() {
        match b {
            b'&' => {
                let end = bytes[at + 1..].iter().take(40).position(|&b| b == b';');
                let Some(end) = end.map(|e| at + 1 + e + 1) else { continue };
                let reference = &text[at..end];
                if !reference[1..reference.len() - 1].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#')
                {
                    continue;
                }
                let decoded = markdown::decode_reference(reference);
                if decoded != reference {
                    out.push((at..end, decoded));
                }
            }
            b'\\'
                if matches!(bytes.get(at + 1), Some(b'u' | b'U')) && (at == 0 || bytes[at - 1] != b'\\') =>
            {
                let digits = if bytes[at + 1] == b'u' { 4 } else { 8 };
                let Some(hex) = text.get(at + 2..at + 2 + digits) else { continue };
                if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    out.push((at..at + 2 + digits, c.to_string()));
                } else if hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    out.push((at..at + 2 + digits, '\u{FFFD}'.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The first escape of `text` ([`escapes`]) that stands for a character a data file may not
/// hold, or for none (`&#0;`, a surrogate): a located error.
pub(super) fn forbidden_escape(shown: &Path, text: &Arc<str>) -> Option<Diagnostic> {
    let (range, decoded) = escapes(text)
        .into_iter()
        .find(|(_, d)| d.chars().any(|c| is_forbidden_char(c) || c == '\u{FFFD}'))?;
    let c = decoded.chars().find(|&c| is_forbidden_char(c) || c == '\u{FFFD}').unwrap_or('\u{FFFD}');
    let escape = &text[range.clone()];
    let what = if c == '\u{FFFD}' {
        "no character at all (it would print as �)".to_string()
    } else if c.is_control() {
        format!("U+{:04X}, a control character", c as u32)
    } else {
        format!("U+{:04X}, a character that cannot print in a PDF (private use or a non-character)", c as u32)
    };
    Some(
        Diagnostic::at(shown, text, range, format!("`{escape}` stands for {what}"))
            .hint("delete the escape, or write the character you mean as it is"),
    )
}

/// The file's text, or where it stops being UTF-8.
pub(super) fn utf8(shown: &Path, bytes: Vec<u8>) -> Result<Arc<str>, Diagnostic> {
    String::from_utf8(bytes).map(Arc::from).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        // The text up to the wrong byte is valid, so positions in the lossy text match it.
        let text: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned());
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        Diagnostic::at(
            shown,
            &text,
            at..end,
            format!("the file is not valid UTF-8: the byte 0x{byte:02X} here is not part of a character"),
        )
        .hint("save the file as UTF-8 (most editors offer it under “Save as” or “Encoding”)")
    })
}

/// Line ends written as a bare carriage return (old Mac files) read as line feeds: TOML and
/// the line numbers of messages know only `\n` and `\r\n`. The byte offsets stay the same.
pub(super) fn bare_cr_as_lf(text: Arc<str>) -> Arc<str> {
    let bytes = text.as_bytes();
    let bare = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(bare) {
        return text;
    }
    let fixed: String =
        text.char_indices().map(|(i, c)| if c == '\r' && bare(i) { '\n' } else { c }).collect();
    Arc::from(fixed)
}

/// Whether `c` may not stand in a data file: control characters other than tab and line
/// ends, a byte-order mark past the start, Unicode's non-characters and the private use
/// areas. An accessible or archival PDF may not hold them (PDF/UA-1, PDF/A-2), and no font
/// of the project draws them.
pub fn is_forbidden_char(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || c == '\u{FEFF}'
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
        || matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// The byte offset of the first character of `text` that may not stand in a data file
/// (a byte-order mark at the very start is allowed).
pub(super) fn forbidden_char(text: &str) -> Option<usize> {
    text.char_indices().find(|&(i, c)| is_forbidden_char(c) && !(i == 0 && c == '\u{FEFF}')).map(|(i, _)| i)
}

pub(super) fn forbidden_char_error(shown: &Path, text: &Arc<str>, at: usize) -> Diagnostic {
    let c = text[at..].chars().next().unwrap_or('\0');
    let more = text[at..].chars().skip(1).filter(|&c| is_forbidden_char(c)).count();
    let more = if more > 0 { format!(" (and {more} more in this file)") } else { String::new() };
    let what = if c.is_control() {
        "a control character"
    } else if c == '\u{FEFF}' {
        "a byte-order mark inside the text"
    } else if (c as u32) & 0xFFFE == 0xFFFE || (0xFDD0..=0xFDEF).contains(&(c as u32)) {
        "a Unicode non-character"
    } else {
        "a private-use character"
    };
    Diagnostic::at(shown, text, at..at + c.len_utf8(), format!("the file holds {what} (U+{:04X}) here{more}: it cannot print in a PDF", c as u32))
        .hint("delete it; it often comes with text pasted from another program (the editor may show it as nothing at all)")
}

/// The real path of `path` if it lies inside `root/data/` (following symbolic links), else a
/// located refusal.
pub(super) fn inside_data(path: &Path, root: &Path) -> Result<PathBuf, Diagnostic> {
    let shown = diagnostics::display_path(path, root);
    let real =
        path.canonicalize().map_err(|e| Diagnostic::file(&shown, format!("cannot read the file: {e}")))?;
    let data = root
        .join("data")
        .canonicalize()
        .map_err(|e| Diagnostic::file("data", format!("cannot open the data folder: {e}")))?;
    if real.starts_with(&data) {
        Ok(real)
    } else {
        Err(Diagnostic::file(shown, "this leads outside the project's data/ folder (a symbolic link?); cityreport reads data only from inside data/")
            .hint("copy the file or folder into the project instead of linking to it"))
    }
}

/// Whether `path` lies inside `root/data/` (following symbolic links): for files a template or
/// the inputs hash may read.
pub fn is_inside_data(path: &Path, root: &Path) -> bool {
    inside_data(path, root).is_ok()
}

pub(super) fn parse_toml<T: serde::de::DeserializeOwned>(
    shown: &Path,
    text: &Arc<str>,
    offset: usize,
    toml_text: &str,
) -> Result<T, Diagnostic> {
    toml::from_str(toml_text).map_err(|e| diagnostics::from_toml(shown, text, offset, &e))
}
