//! A corpus of mistakes an editor or translator makes: each gets a located, human error
//! and exit status 1 from `check` and from `render` — never a panic and never a PDF.

use std::path::Path;

use crate::common::*;

/// One mistake: in `file` (under data/), replace `find` by `replace`; the error must
/// contain every string of `expect`.
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
        expect: &["data/cities/tiny/city.toml:3:14", "invalid type: string \"12.345\", expected u64"],
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
        name: "table",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "| a | b |\n|---|---|\n| 1 | 2 |",
        expect: &["data/cities/tiny/en.md:27:1", "a table is not supported"],
    },
    Case {
        name: "raw html block",
        file: "cities/tiny/en.md",
        find: "Text of the first approach, citing again.[^2]",
        replace: "<div>Text</div>",
        expect: &["data/cities/tiny/en.md:27:1", "HTML block is not supported"],
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
        expect: &["data/i18n/en.toml:15:16", "unknown placeholder `{yaer}`", "{year}"],
    },
    Case {
        name: "placeholder in a fixed string that has none",
        file: "i18n/en.toml",
        find: "contents = \"Contents\"",
        replace: "contents = \"Contents of {city}\"",
        expect: &[
            "data/i18n/en.toml:8:12",
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
        expect: &["data/i18n/fr.toml:14:1", "unknown key `maire`", "`mayor` is missing"],
    },
    Case {
        name: "fixed string that is not a string",
        file: "i18n/de.toml",
        find: "contents = \"Inhalt\"",
        replace: "contents = 3",
        expect: &["data/i18n/de.toml:8:12", "`contents` must be a string, not integer"],
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
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(case.find), "{}: fixture lacks {:?}", case.name, case.find);
    std::fs::write(&path, text.replacen(case.find, case.replace, 1)).unwrap();
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
