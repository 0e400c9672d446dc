//! Fixed strings with placeholders, and numbers, in a language's own form.

use crate::data::NumberFormat;

/// Fills the `{name}` placeholders whose values are given; others (`{page}`) stay for the
/// template. The names were checked when the file was loaded.
/// One pass: a value that itself holds `{…}` (a tagline) is inserted as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Formats a whole number with a language's digit grouping.
pub fn format_number(n: u64, format: &NumberFormat) -> String {
    let digits = n.to_string();
    if digits.len() < format.group_min_digits {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(&format.group);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn numbers_follow_each_languages_grouping() {
        let en = NumberFormat { group: ",".into(), group_min_digits: 4 };
        let pl = NumberFormat { group: "\u{a0}".into(), group_min_digits: 5 };
        assert_eq!(format_number(1398765, &en), "1,398,765");
        assert_eq!(format_number(2398, &en), "2,398");
        assert_eq!(format_number(999, &en), "999");
        assert_eq!(format_number(1398765, &pl), "1\u{a0}398\u{a0}765");
        assert_eq!(format_number(2398, &pl), "2398");
        assert_eq!(format_number(12398, &pl), "12\u{a0}398");
    }

    #[test]
    fn fill_replaces_the_given_placeholders_and_keeps_the_others() {
        assert_eq!(
            fill("Update: What is new in {year}?", &[("year", "2023")]),
            "Update: What is new in 2023?"
        );
        assert_eq!(fill("Page {page} of {pages}", &[("year", "2023")]), "Page {page} of {pages}");
        let values = [("city", "{tagline}"), ("tagline", "a {city} {"), ("year", "2023")];
        assert_eq!(fill("{city} – {tagline} {", &values), "{tagline} – a {city} { {");
    }
}
