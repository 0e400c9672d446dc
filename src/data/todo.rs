//! Text still to be written: `cityreport new` (`crate::edit::scaffold`) writes `TODO:` where a
//! new city's text belongs, and `check` warns once for each one left, at its place.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// What marks text still to be written. `check` warns about each one.
pub const PLACEHOLDER: &str = "TODO:";

/// A warning for each `TODO:` left in the file at `path` (text `text`).
pub fn placeholders(path: &Path, text: &std::sync::Arc<str>) -> Vec<Diagnostic> {
    text.match_indices(PLACEHOLDER)
        .map(|(at, _)| {
            let end = text[at..].find(['\n', '"', '*']).map_or(text.len(), |n| at + n);
            let shown = text[at..end].trim_end();
            Diagnostic::at(path, text, at..end, format!("still to be written: `{shown}`"))
                .hint("replace the `TODO:` text with the report's own")
                .warning()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_where_they_are() {
        let text = "a = 1\nname = \"TODO: the mayor's name\"\n\nTODO: one paragraph.\n";
        let found = placeholders(Path::new("x.md"), &text.into());
        assert_eq!(found.len(), 2);
        let shown: Vec<String> = found.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            shown,
            ["still to be written: `TODO: the mayor's name`", "still to be written: `TODO: one paragraph.`"]
        );
        assert!(
            placeholders(Path::new("x.md"), &"All written. TODO without a colon is prose.".into()).is_empty()
        );
    }
}
