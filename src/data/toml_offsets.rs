//! Positions inside a TOML string token: where each byte of its value was written in the
//! file, through quotes and escapes, so errors in a front-matter string point at the file.

/// For a TOML string token `raw` (with its quotes) whose value is `value`: the byte offset in
/// `raw` of each byte offset in `value` (and of its end). `None` if the token is not understood.
pub(super) fn toml_string_offsets(raw: &str, value: &str) -> Option<Vec<usize>> {
    let (quote, multi) = if raw.starts_with("\"\"\"") {
        ('"', true)
    } else if raw.starts_with("'''") {
        ('\'', true)
    } else {
        (raw.chars().next()?, false)
    };
    let mut i = if multi { 3 } else { 1 };
    // A newline right after the opening quotes is not part of the value.
    if multi {
        if raw[i..].starts_with("\r\n") {
            i += 2;
        } else if raw[i..].starts_with('\n') {
            i += 1;
        }
    }
    let mut map = Vec::with_capacity(value.len() + 1);
    let mut out = String::with_capacity(value.len());
    while out.len() < value.len() {
        let start = i;
        let c = raw.get(i..)?.chars().next()?;
        if quote == '"' && c == '\\' {
            let e = raw.get(i + 1..)?.chars().next()?;
            let hex = |from: usize, n: usize| {
                raw.get(i + from..i + from + n)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
            };
            let (decoded, len) = match e {
                'b' => ('\u{8}', 2),
                't' => ('\t', 2),
                'n' => ('\n', 2),
                'f' => ('\u{c}', 2),
                'r' => ('\r', 2),
                'e' => ('\u{1b}', 2),
                '"' => ('"', 2),
                '\\' => ('\\', 2),
                'x' => (hex(2, 2)?, 4),
                'u' => (hex(2, 4)?, 6),
                'U' => (hex(2, 8)?, 10),
                _ if multi && e.is_whitespace() => {
                    // A line-ending backslash: the newline and the whitespace after it vanish.
                    i += 1;
                    while let Some(w) = raw.get(i..)?.chars().next().filter(|w| w.is_whitespace()) {
                        i += w.len_utf8();
                    }
                    continue;
                }
                _ => return None,
            };
            map.extend(std::iter::repeat_n(start, decoded.len_utf8()));
            out.push(decoded);
            i += len;
        } else {
            if c == quote && !multi {
                return None;
            }
            map.extend(std::iter::repeat_n(start, c.len_utf8()));
            out.push(c);
            i += c.len_utf8();
        }
    }
    map.push(i);
    (out == value).then_some(map)
}
