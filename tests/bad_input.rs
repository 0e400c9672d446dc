//! A corpus of mistakes an editor or translator makes: each gets a located, human error
//! and exit status 1 from `check` and from `render` — never a panic and never a PDF.

use std::path::Path;

use crate::common::*;

/// One mistake: in `file` (under data/), replace `find` by `replace`; the error must
/// contain every string of `expect` (a located one: file:line:column where it can be). A few
/// cases, named in `apply`, do something else to the file.
struct Case {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "population written as text",
        file: "cities/tiny/city.toml",
        find: "population = 12345",
        replace: "population = \"12.345\"",
        expect: &[
            "data/cities/tiny/city.toml:3:14",
            "this must be a number, not the text \"12.345\"",
            "digits only",
        ],
    },
    Case {
        name: "toml syntax error",
        file: "cities/tiny/city.toml",
        find: "report_year = 2021",
        replace: "report_year = = 2021",
        expect: &["data/cities/tiny/city.toml:4:15"],
    },
    Case {
        name: "unknown key in city.toml",
        file: "cities/tiny/city.toml",
        find: "report_year",
        replace: "report_yaer",
        expect: &["data/cities/tiny/city.toml:4:1", "unknown field `report_yaer`"],
    },
    Case {
        name: "misspelt front matter field",
        file: "cities/tiny/en.md",
        find: "tagline =",
        replace: "tagelin =",
        expect: &["data/cities/tiny/en.md:2:1", "unknown field `tagelin`"],
    },
    Case {
        name: "no front matter",
        file: "cities/tiny/en.md",
        find: "+++\ntagline",
        replace: "tagline",
        expect: &["data/cities/tiny/en.md:1:1", "does not start with a `+++` front matter block"],
    },
    Case {
        name: "footnote cited but not defined",
        file: "cities/tiny/en.md",
        find: "background.[^2]",
        replace: "background.[^9]",
        expect: &["data/cities/tiny/en.md:23:29", "footnote `[^9]` is cited but not defined"],
    },
    Case {
        name: "footnote defined but never cited",
        file: "cities/tiny/en.md",
        find: "[^3]: Third source.",
        replace: "[^3]: Third source.\n[^4]: Unused source.",
        expect: &["data/cities/tiny/en.md:36:1", "footnote `[^4]` is defined but never cited"],
    },
    Case {
        name: "numbered heading without id",
        file: "cities/tiny/en.md",
        find: "## The first approach {#first}",
        replace: "## The first approach",
        expect: &["data/cities/tiny/en.md:25:1", "numbered heading without an id"],
    },
    Case {
        name: "table without a header",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "| | |\n|---|---|\n| 1 | 2 |",
        expect: &["data/cities/tiny/en.md:27:1", "the table's header row is empty"],
    },
    Case {
        name: "raw html block",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "<div>Text</div>",
        expect: &["data/cities/tiny/en.md:27:1", "starts an HTML block"],
    },
    Case {
        name: "translation with an unknown section id",
        file: "cities/tiny/de.md",
        find: "{#abstract}",
        replace: "{#abstrakt}",
        expect: &[
            "data/cities/tiny/de.md:9:1",
            "the section id `abstrakt` is not in en.md",
            "abstract, background, first, update",
        ],
    },
    Case {
        name: "translation at the wrong heading level",
        file: "cities/tiny/de.md",
        find: "# Zusammenfassung",
        replace: "## Zusammenfassung",
        expect: &["data/cities/tiny/de.md:9:1", "`abstract` is a level-1 heading in en.md"],
    },
    Case {
        name: "default language lacks the quote",
        file: "cities/tiny/en.md",
        find: "[quote]\ntext = \"We welcome everyone.\"\nattribution = \"Ann Example, Mayor of Tinytown\"\n",
        replace: "",
        expect: &["data/cities/tiny/en.md:1:1", "must have a `[quote]`"],
    },
    Case {
        name: "unknown placeholder in i18n",
        file: "i18n/en.toml",
        find: "{year}",
        replace: "{yaer}",
        expect: &["data/i18n/en.toml:16:16", "unknown placeholder `{yaer}`", "{year}"],
    },
    Case {
        name: "placeholder in a fixed string that has none",
        file: "i18n/en.toml",
        find: "contents = \"Contents\"",
        replace: "contents = \"Contents of {city}\"",
        expect: &[
            "data/i18n/en.toml:9:12",
            "`contents` uses the unknown placeholder `{city}`",
            "`contents` has no placeholders",
        ],
    },
    Case {
        name: "fixed string missing in a translation",
        file: "i18n/de.toml",
        find: "contents = \"Inhalt\"\n",
        replace: "",
        expect: &["data/i18n/de.toml:1:1", "`contents` is missing", "the contents page's title"],
    },
    Case {
        name: "misspelt key in a translation",
        file: "i18n/fr.toml",
        find: "mayor = \"Maire\"",
        replace: "maire = \"Maire\"",
        expect: &["data/i18n/fr.toml:15:1", "unknown key `maire`", "`mayor` is missing"],
    },
    Case {
        name: "fixed string that is not a string",
        file: "i18n/de.toml",
        find: "contents = \"Inhalt\"",
        replace: "contents = 3",
        expect: &["data/i18n/de.toml:9:12", "`contents` must be a string, not integer"],
    },
    Case {
        name: "default language file missing",
        file: "cities/tiny/en.md",
        find: "",
        replace: "",
        expect: &["data/cities/tiny: the city has no text in the default language: `en.md` is missing"],
    },
    Case {
        name: "language file not in site.toml",
        file: "cities/tiny/de.md",
        find: "",
        replace: "",
        expect: &["data/cities/tiny/xx.md", "`xx` is not a language of site.toml"],
    },
    Case {
        name: "name table without the default language",
        file: "cities/tiny/city.toml",
        find: "name = { en = \"Tinytown\", de = \"Kleinstadt\" }",
        replace: "name = { de = \"Kleinstadt\" }",
        expect: &["data/cities/tiny/city.toml:1:8", "`name` has no text in the default language `en`"],
    },
    Case {
        name: "update year before the report year",
        file: "cities/tiny/city.toml",
        find: "update_year = 2023",
        replace: "update_year = 2019",
        expect: &["data/cities/tiny/city.toml:5:1", "`update_year` is before `report_year`"],
    },
    Case {
        name: "a date that is not a day of the calendar",
        file: "cities/tiny/city.toml",
        find: "update_year = 2023",
        replace: "update_year = 2023\ndate = 2023-02-30",
        expect: &["data/cities/tiny/city.toml:6:"],
    },
    Case {
        name: "a time where the date goes",
        file: "cities/tiny/city.toml",
        find: "update_year = 2023",
        replace: "update_year = 2023\ndate = 12:00:00",
        expect: &["data/cities/tiny/city.toml:6:8", "`date` must be a date such as 2023-06-30"],
    },
    Case {
        name: "negative population",
        file: "cities/tiny/city.toml",
        find: "population = 12345",
        replace: "population = -5",
        expect: &["data/cities/tiny/city.toml:3:14", "this number is out of range (negative or too large)"],
    },
    Case {
        name: "no mayor",
        file: "cities/tiny/city.toml",
        find: "[mayor]\nname = \"Ann Example\"\nparty = { en = \"Example Party\" }\n",
        replace: "",
        expect: &["data/cities/tiny/city.toml", "the field `mayor` is missing", "a `[mayor]` table"],
    },
    Case {
        name: "networks not a list",
        file: "cities/tiny/city.toml",
        find: "update_year = 2023",
        replace: "update_year = 2023\nnetworks = \"Eurocities\"",
        expect: &["data/cities/tiny/city.toml:6:12", "this must be a list in square brackets"],
    },
    Case {
        name: "invalid UTF-8 in city.toml",
        file: "cities/tiny/city.toml",
        find: "Ann Example",
        replace: "Ann \u{fffd}xample",
        expect: &["data/cities/tiny/city.toml:8:13", "not valid UTF-8: the byte 0xE9"],
    },
    Case {
        name: "empty tagline",
        file: "cities/tiny/en.md",
        find: "tagline = \"A small town with a big heart\"",
        replace: "tagline = \"  \"",
        expect: &["data/cities/tiny/en.md:2:11", "this field is empty"],
    },
    Case {
        name: "empty takeaways",
        file: "cities/tiny/en.md",
        find: "takeaways = [\"First takeaway.\", \"Second takeaway.\"]",
        replace: "takeaways = []",
        expect: &["data/cities/tiny/en.md:3:13", "`takeaways` is empty"],
    },
    Case {
        name: "footnote in a takeaway",
        file: "cities/tiny/en.md",
        find: "\"First takeaway.\"",
        replace: "\"First takeaway.[^1]\"",
        expect: &["data/cities/tiny/en.md:3:", "footnotes are not allowed here"],
    },
    Case {
        name: "takeaway written as a numbered list",
        file: "cities/tiny/en.md",
        find: "\"First takeaway.\"",
        replace: "\"1. First takeaway.\"",
        expect: &["data/cities/tiny/en.md:3:15", "only one paragraph of text is allowed here"],
    },
    Case {
        name: "javascript link in the tagline, located at the link",
        file: "cities/tiny/en.md",
        find: "tagline = \"A small town with a big heart\"",
        replace: "tagline = \"A small [town](javascript:alert(1)) with a big heart\"",
        expect: &["data/cities/tiny/en.md:2:20", "`javascript:alert(1)` is not a web or e-mail address"],
    },
    Case {
        name: "file link in the body",
        file: "cities/tiny/en.md",
        find: "Body text of the background.[^2]",
        replace: "Body text of the <file:///etc/passwd> background.[^2]",
        expect: &["data/cities/tiny/en.md:23:18", "`file:///etc/passwd` is not a web or e-mail address"],
    },
    Case {
        name: "relative link",
        file: "cities/tiny/en.md",
        find: "Body text of the background.[^2]",
        replace: "Body text of the [background](other.md).[^2]",
        expect: &["data/cities/tiny/en.md:23:18", "`other.md` is not a web or e-mail address"],
    },
    Case {
        name: "quotes nested too deep",
        file: "cities/tiny/en.md",
        find: "Body text of the background.[^2]",
        replace: "Body text of the background.[^2]\n\n> > > > > > > > > > > > > > > deep",
        expect: &["data/cities/tiny/en.md:25:", "nested more than 12 deep"],
    },
    Case {
        name: "footnote of 255 words",
        file: "cities/tiny/en.md",
        find: "[^1]: First source.",
        replace: "[^1]: First source. word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word.",
        expect: &["data/cities/tiny/en.md:33:1", "has 255 words; a footnote may have at most 250"],
    },
    Case {
        name: "section id used twice",
        file: "cities/tiny/en.md",
        find: "## The first approach {#first}",
        replace: "## The first approach {#background}",
        expect: &[
            "data/cities/tiny/en.md:25:1",
            "the section id `background` is used twice (first on line 19)",
        ],
    },
    Case {
        name: "text before the first heading",
        file: "cities/tiny/en.md",
        find: "+++\n\n# Abstract",
        replace: "+++\n\nAn introduction.\n\n# Abstract",
        expect: &["data/cities/tiny/en.md:13:1", "text before the first section heading"],
    },
    Case {
        name: "class in a heading's braces",
        file: "cities/tiny/en.md",
        find: "## The first approach {#first}",
        replace: "## The first approach {#first .wide}",
        expect: &["data/cities/tiny/en.md:25:1", "only an id (`{#id}`) is allowed"],
    },
    Case {
        name: "id on an unnumbered sub-heading",
        file: "cities/tiny/en.md",
        find: "### What is unique about the city?",
        replace: "### What is unique about the city? {#unique}",
        expect: &["data/cities/tiny/en.md:15:1", "unnumbered sub-headings (`###`) take no id"],
    },
    Case {
        name: "fenced code block",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "Text of the first approach, citing again.[^2]\n\n```\ncode\n```",
        expect: &["data/cities/tiny/en.md:29:1", "a code block is not supported"],
    },
    Case {
        name: "image inside a line",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "Text of the first approach, citing again.[^2] ![a map](map.png)",
        expect: &["data/cities/tiny/en.md:27:47", "a picture inside a line of text"],
    },
    Case {
        name: "image not found",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "![A map of the region](map.png)",
        expect: &["data/cities/tiny/en.md:27:1", "the picture `map.png` is neither in data/cities/tiny"],
    },
    Case {
        name: "horizontal rule",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "Text of the first approach, citing again.[^2]\n\n---\n\nMore.",
        expect: &["data/cities/tiny/en.md:29:1", "a horizontal rule is not supported"],
    },
    Case {
        name: "html comment",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "<!-- to do -->\n\nText of the first approach, citing again.[^2]",
        expect: &["data/cities/tiny/en.md:27:1", "starts an HTML block"],
    },
    Case {
        name: "default language without the abstract",
        file: "cities/tiny/en.md",
        find: "{#abstract}",
        replace: "{#summary}",
        expect: &["data/cities/tiny/en.md:1:1", "no section with the id `abstract`"],
    },
    Case {
        name: "default language without a tagline",
        file: "cities/tiny/en.md",
        find: "tagline = \"A small town with a big heart\"\n",
        replace: "",
        expect: &["data/cities/tiny/en.md:1:1", "must have a `tagline`"],
    },
    Case {
        name: "front matter not closed",
        file: "cities/tiny/en.md",
        find: "+++\n\n# Abstract",
        replace: "\n# Abstract",
        expect: &["data/cities/tiny/en.md:1:1", "has no closing `+++` line"],
    },
    Case {
        name: "front matter toml syntax error",
        file: "cities/tiny/en.md",
        find: "[quote]",
        replace: "[quote",
        expect: &["data/cities/tiny/en.md:5:"],
    },
    Case {
        name: "invalid UTF-8 in a report",
        file: "cities/tiny/en.md",
        find: "Tinytown is small.",
        replace: "Tinytown is sm\u{fffd}ll.",
        expect: &["data/cities/tiny/en.md:17:35", "not valid UTF-8"],
    },
    Case {
        name: "a report file over the size limit",
        file: "cities/tiny/en.md",
        find: "",
        replace: "",
        expect: &["data/cities/tiny/en.md", "a data file may be at most 1024 KB"],
    },
    Case {
        name: "a report linked from outside the project",
        file: "cities/tiny/en.md",
        find: "",
        replace: "",
        expect: &["data/cities/tiny/en.md", "leads outside the project's data/ folder"],
    },
    Case {
        name: "a city folder linked from outside the project",
        file: "cities/tiny",
        find: "",
        replace: "",
        expect: &["data/cities/tiny", "leads outside the project's data/ folder"],
    },
    Case {
        name: "i18n toml syntax error",
        file: "i18n/en.toml",
        find: "contents = \"Contents\"",
        replace: "contents = \"Contents",
        expect: &["data/i18n/en.toml:9:"],
    },
    Case {
        name: "i18n number format without a separator",
        file: "i18n/en.toml",
        find: "group = \",\"",
        replace: "grouping = \",\"",
        expect: &["data/i18n/en.toml:", "unknown field `grouping`"],
    },
    Case {
        name: "i18n region that is not a string",
        file: "i18n/de.toml",
        find: "region = \"DE\"",
        replace: "region = 49",
        expect: &["data/i18n/de.toml:3:10", "`region` must be a string, not integer"],
    },
    Case {
        name: "i18n closing note with a heading",
        file: "i18n/fr.toml",
        find: "closing = \"\"\"\n",
        replace: "closing = \"\"\"\n# Moving Cities\n\n",
        expect: &["data/i18n/fr.toml:", "numbered headings are not allowed here"],
    },
    Case {
        name: "site default language not published",
        file: "site.toml",
        find: "default_language = \"en\"",
        replace: "default_language = \"eo\"",
        expect: &["data/site.toml:", "the default language `eo` is not one of `languages`"],
    },
    Case {
        name: "site language listed twice",
        file: "site.toml",
        find: "languages = [\"en\", \"de\"",
        replace: "languages = [\"en\", \"en\", \"de\"",
        expect: &["data/site.toml:", "`en` is listed twice"],
    },
    Case {
        name: "site language code in capitals",
        file: "site.toml",
        find: "languages = [\"en\", \"de\"",
        replace: "languages = [\"en\", \"DE\"",
        expect: &["data/site.toml:6:21", "`DE` is not a language code"],
    },
    Case {
        name: "site city page without the slug",
        file: "site.toml",
        find: "city_page = \"https://moving-cities.eu/{lang}/{slug}\"",
        replace: "city_page = \"https://moving-cities.eu/{lang}/city\"",
        expect: &["data/site.toml:", "`city_page` must hold `{slug}`"],
    },
    Case {
        name: "site unknown field",
        file: "site.toml",
        find: "publisher =",
        replace: "publsher =",
        expect: &["data/site.toml:", "unknown field `publsher`"],
    },
    // `check` passing means `build` passes: what a template would refuse is found in the data.
    Case {
        name: "a sub-heading of only spaces",
        file: "cities/tiny/en.md",
        find: "### What is unique about the city?",
        replace: "###    ",
        expect: &["data/cities/tiny/en.md:15:1", "this heading has no title"],
    },
    Case {
        name: "a section heading with an id and no title",
        file: "cities/tiny/en.md",
        find: "## The first approach {#first}",
        replace: "## {#first}",
        expect: &["data/cities/tiny/en.md:25:1", "this heading has no title"],
    },
    Case {
        name: "a footnote in a section heading",
        file: "cities/tiny/en.md",
        find: "## The first approach {#first}",
        replace: "## The first approach[^1] {#first}",
        expect: &["data/cities/tiny/en.md:25:1", "a footnote in a heading"],
    },
    Case {
        name: "a NUL byte in the text",
        file: "cities/tiny/en.md",
        find: "Tinytown is small.",
        replace: "Tinytown\u{0} is small.",
        expect: &["data/cities/tiny/en.md:17:29", "control character (U+0000)", "Tinytown\u{2400} is"],
    },
    Case {
        name: "a private-use character in a takeaway",
        file: "cities/tiny/en.md",
        find: "First takeaway.",
        replace: "First \u{E000} takeaway.",
        expect: &["data/cities/tiny/en.md:3:21", "a private-use character (U+E000)"],
    },
    Case {
        name: "a byte-order mark inside a city file",
        file: "cities/tiny/city.toml",
        find: "population = 12345",
        replace: "population = 12345\u{FEFF}",
        expect: &["data/cities/tiny/city.toml:3:19", "byte-order mark"],
    },
    Case {
        name: "a year of five digits",
        file: "cities/tiny/city.toml",
        find: "update_year = 2023",
        replace: "update_year = 99999",
        expect: &[
            "data/cities/tiny/city.toml:5:15",
            "`update_year` is 99999; a year must lie between 1900 and 2100",
        ],
    },
    Case {
        name: "a report year from antiquity",
        file: "cities/tiny/city.toml",
        find: "report_year = 2021",
        replace: "report_year = 21",
        expect: &["data/cities/tiny/city.toml:4:15", "`report_year` is 21"],
    },
    Case {
        name: "a character no font has",
        file: "cities/tiny/en.md",
        find: "Tinytown is small.",
        replace: "Tinytown 東京 is small.",
        expect: &["data/cities/tiny/en.md:17:30", "no font in fonts/ has the character `東` (U+6771)"],
    },
    Case {
        name: "a character no font has in the fixed strings",
        file: "i18n/de.toml",
        find: "contents = \"",
        replace: "contents = \"東",
        expect: &["data/i18n/de.toml:", "no font in fonts/ has the character `東`"],
    },
    Case {
        name: "an empty city name",
        file: "cities/tiny/city.toml",
        find: "en = \"Tinytown\"",
        replace: "en = \"\"",
        expect: &["data/cities/tiny/city.toml:1:8", "`name` in `en` is empty"],
    },
    Case {
        name: "a mayor of only spaces",
        file: "cities/tiny/city.toml",
        find: "name = \"Ann Example\"",
        replace: "name = \"  \"",
        expect: &["data/cities/tiny/city.toml:8:8", "`mayor.name` is empty"],
    },
    Case {
        name: "a link whose address has a space",
        file: "cities/tiny/en.md",
        find: "Tinytown is small.",
        replace: "Tinytown is [small](https://x.org/a b).",
        expect: &["data/cities/tiny/en.md:17:", "not a link Markdown can read", "%20"],
    },
    Case {
        name: "an autolink whose address has a space",
        file: "cities/tiny/en.md",
        find: "[^2]: <https://example.org/second>",
        replace: "[^2]: <https://example.org/sec ond>",
        expect: &["data/cities/tiny/en.md:34:", "not a link Markdown can read"],
    },
    Case {
        name: "a footnote that is an HTML tag",
        file: "cities/tiny/en.md",
        find: "[^1]: First source.",
        replace: "[^1]: <b>",
        expect: &["data/cities/tiny/en.md:33:7", "`<b>` starts an HTML block"],
    },
];

fn apply(root: &Path, case: &Case) {
    let path = root.join("data").join(case.file);
    if case.name == "default language file missing" {
        std::fs::remove_file(&path).unwrap();
        return;
    }
    if case.name == "language file not in site.toml" {
        std::fs::rename(&path, path.with_file_name("xx.md")).unwrap();
        return;
    }
    if case.name == "a report file over the size limit" {
        let text = std::fs::read_to_string(&path).unwrap();
        let filler = "Padding paragraph. ".repeat(60_000);
        std::fs::write(&path, text.replace("Tinytown is small.", &format!("Tinytown is small. {filler}")))
            .unwrap();
        return;
    }
    if case.name.ends_with("linked from outside the project") {
        // The target lies outside the project: its content must never be read or shown.
        let outside =
            root.parent().unwrap().join(format!("{}-outside", root.file_name().unwrap().to_string_lossy()));
        if path.is_dir() {
            copy_dir(&path, &outside);
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::write(&outside, "SECRET first line\n").unwrap();
            std::fs::remove_file(&path).unwrap();
        }
        std::os::unix::fs::symlink(&outside, &path).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(case.find), "{}: fixture lacks {:?}", case.name, case.find);
    let text = text.replacen(case.find, case.replace, 1);
    // U+FFFD in a replacement stands for a byte that is not UTF-8 (0xE9, Latin-1's é).
    let bytes: Vec<u8> = text.split('\u{fffd}').map(str::as_bytes).collect::<Vec<_>>().join(&0xE9u8);
    std::fs::write(&path, bytes).unwrap();
}

#[test]
fn the_tiny_fixture_itself_is_valid() {
    let project = project_from("tiny");
    must_succeed(&run(project.path(), &["check"]));
    // A footnote cited twice: one entry, its number printed at both places.
    let pdf = Pdf::new(render(project.path(), "tiny", "en"));
    pdf.assert_has("Body text of the background.2");
    pdf.assert_has("Text of the first approach, citing again.2");
    assert_eq!(pdf.text().matches("https://example.org/second").count(), 1, "{}", pdf.text());
}

#[test]
fn every_mistake_is_located_and_fails_check_and_render() {
    let mut failures = Vec::new();
    for case in CASES {
        let project = project_from("tiny");
        apply(project.path(), case);
        let check = run(project.path(), &["check"]);
        let out = project.path().join("out");
        // A mistake in one language's fixed strings fails that language's reports (only).
        let lang = case.file.strip_prefix("i18n/").and_then(|f| f.strip_suffix(".toml")).unwrap_or("en");
        let render = run(project.path(), &["render", "tiny", "--lang", lang, "-o", out.to_str().unwrap()]);
        for (what, o) in [("check", &check), ("render", &render)] {
            let stderr = String::from_utf8_lossy(&o.stderr);
            if o.status.code() != Some(1) || stderr.contains("panicked") {
                failures.push(format!("{}: {what} exited with {:?}:\n{stderr}", case.name, o.status.code()));
                continue;
            }
            if stderr.contains("SECRET") {
                failures.push(format!(
                    "{}: {what} showed the content of a file outside the project:\n{stderr}",
                    case.name
                ));
            }
            for e in case.expect {
                if !stderr.contains(e) {
                    failures.push(format!("{}: {what} does not say {e:?}:\n{stderr}", case.name));
                }
            }
        }
        if out.join(format!("tiny-{lang}.pdf")).exists() {
            failures.push(format!("{}: render wrote a PDF from broken data", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn unknown_language_lists_the_available_ones() {
    let project = project_from("tiny");
    let stderr = must_fail(&run(project.path(), &["render", "tiny", "--lang", "xx"]));
    assert!(
        stderr.contains("unknown language `xx`; the site's languages are: en, de, fr, pl, it, es, el"),
        "{stderr}"
    );
}

#[test]
fn unknown_city_lists_the_available_ones() {
    let project = project_from("tiny");
    let stderr = must_fail(&run(project.path(), &["render", "nowhere", "--lang", "en"]));
    assert!(stderr.contains("there is no city `nowhere`") && stderr.contains("tiny"), "{stderr}");
}

#[test]
fn a_template_error_is_located_in_the_template() {
    let project = project_from("tiny");
    let path = own_templates(project.path()).join("quote.typ");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("let q = data.quote", "let q = data.qoute", 1)).unwrap();
    let stderr = must_fail(&run(project.path(), &["render", "tiny", "--lang", "en"]));
    assert!(stderr.contains("templates/quote.typ:"), "{stderr}");
    assert!(stderr.contains("dictionary does not contain key \"qoute\""), "{stderr}");
    assert!(!project.path().join("out/tiny-en.pdf").exists());
}

#[test]
fn a_template_may_not_read_outside_the_project() {
    let project = project_from("tiny");
    let path = own_templates(project.path()).join("closing.typ");
    let text = std::fs::read_to_string(&path).unwrap();
    // A symlink inside data/ that leads out of the project, and a plain absolute path.
    std::os::unix::fs::symlink("/etc/hostname", project.path().join("data/escape.txt")).unwrap();
    for (probe, says) in [
        ("read(\"/data/escape.txt\")", "outside the files a template may read"),
        ("read(\"/../../etc/hostname\")", ""),
        ("read(\"/fonts/Noto-OFL.txt\")", "outside the files a template may read"),
    ] {
        std::fs::write(&path, format!("{text}\n#let _probe = {probe}\n")).unwrap();
        let stderr = must_fail(&run(project.path(), &["render", "tiny", "--lang", "en"]));
        assert!(stderr.contains("templates/closing.typ:"), "{probe}: {stderr}");
        assert!(stderr.contains(says), "{probe}: {stderr}");
    }
}
