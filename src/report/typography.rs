//! Where a line must and must not break, and what the report's text gets for it before it
//! reaches the templates: no-break spaces (U+00A0) that keep words together as each language's
//! typesetting asks (Typst breaks lines at every space; these spaces are the ones it may not
//! break at), and break opportunities (U+200B) in runs of characters too long for a line.

use crate::data::markdown::{self, Block, Inline};

/// `text`, in `lang`, with a no-break space where a line must not break:
///
/// - before a dash (`–`, `—`) between words: a line never starts with one;
/// - after a number of up to four digits before a word (`20 May`, `150 minors`, `2023 r.`);
/// - in Polish, after a one-letter word (`w`, `z`, `i`, `a`, `o`, `u`), which Polish
///   typesetting never leaves at the end of a line.
pub fn bind(text: &str, lang: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let bound = c == ' '
            && (before_dash(&chars, i)
                || after_number(&chars, i)
                || (lang == "pl" && after_one_letter(&chars, i)));
        out.push(if bound { '\u{A0}' } else { c });
    }
    out
}

/// Keeps a heading's last two words together, so that no heading ends with a word alone on its
/// line: the last space of its last text becomes a no-break space.
pub fn bind_last_word(title: &mut [Inline]) {
    let Some(Inline::Text { text }) = title.iter_mut().rev().find(|i| matches!(i, Inline::Text { .. }))
    else {
        return;
    };
    let trimmed = text.trim_end().len();
    if let Some(at) = text[..trimmed].rfind(' ') {
        text.replace_range(at..at + 1, "\u{A0}");
    }
}

/// Break opportunities (U+200B) in the long runs of characters of every text and code of
/// `inlines` but a link's, so that a hash, an identifier or a word longer than any language's
/// breaks inside the text area instead of running off the page; the templates turn each into
/// a break opportunity that leaves no character in the PDF. Which runs, and where: the data
/// stage's rule ([`markdown::insert_break_points`]), which the versions translations record
/// are taken with too.
pub fn break_runs(inlines: &mut [Inline]) {
    markdown::insert_break_points(inlines);
}

/// [`break_runs`] in every run of inlines of `blocks` (paragraphs, headings, list items,
/// quotes, captions, table cells).
pub fn break_block_runs(blocks: &mut [Block]) {
    markdown::insert_block_break_points(blocks);
}

/// The space at `i` comes before a dash and a space (` – `).
fn before_dash(chars: &[char], i: usize) -> bool {
    matches!(chars.get(i + 1), Some('–' | '—')) && chars.get(i + 2).is_none_or(|c| c.is_whitespace())
}

/// The space at `i` follows a number of one to four digits and comes before a letter.
fn after_number(chars: &[char], i: usize) -> bool {
    let digits = chars[..i].iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let starts = i - digits == 0 || !chars[i - digits - 1].is_alphanumeric();
    (1..=4).contains(&digits) && starts && chars.get(i + 1).is_some_and(|c| c.is_alphabetic())
}

/// The space at `i` follows a word of one letter.
fn after_one_letter(chars: &[char], i: usize) -> bool {
    i >= 1
        && chars[i - 1].is_alphabetic()
        && (i < 2 || !chars[i - 2].is_alphanumeric() && !matches!(chars[i - 2], '\'' | '’' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_words_keep_to_the_next_word_in_polish() {
        assert_eq!(bind("w Warszawie i z Krakowa", "pl"), "w\u{A0}Warszawie i\u{A0}z\u{A0}Krakowa");
        assert_eq!(bind("(a to) jest", "pl"), "(a\u{A0}to) jest");
        // Not the last letter of a longer word, nor a letter after an apostrophe.
        assert_eq!(bind("dom i ogród", "pl"), "dom i\u{A0}ogród");
        assert_eq!(bind("l'a b", "pl"), "l'a b");
        // Only in Polish.
        assert_eq!(bind("a cat", "en"), "a cat");
    }

    #[test]
    fn dashes_and_numbers_keep_to_their_words() {
        assert_eq!(bind("education – an approach", "en"), "education\u{A0}– an approach");
        assert_eq!(bind("On 20 May 2017 we", "en"), "On 20\u{A0}May 2017\u{A0}we");
        assert_eq!(bind("w 2023 r.?", "pl"), "w\u{A0}2023\u{A0}r.?");
        // Not a long number, nor digits inside a word, nor before a digit or a sign.
        assert_eq!(
            bind("1398765 people, A4 paper, 12 34, 5 %", "en"),
            "1398765 people, A4 paper, 12 34, 5 %"
        );
    }

    #[test]
    fn a_headings_last_two_words_stay_together() {
        let mut title =
            vec![Inline::Text { text: "Local background and ".into() }, Inline::Emph { content: vec![] }];
        title.push(Inline::Text { text: "context now".into() });
        bind_last_word(&mut title);
        assert_eq!(title[2], Inline::Text { text: "context\u{A0}now".into() });
        let mut one = vec![Inline::Text { text: "Update".into() }];
        bind_last_word(&mut one);
        assert_eq!(one[0], Inline::Text { text: "Update".into() });
    }
}
