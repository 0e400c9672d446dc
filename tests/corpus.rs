//! The corpus (`tests/fixtures/corpus/`): cities written like the site's real reports, of
//! every shape Milan is not (no sub-sections, six approaches, two lists in a section, a
//! table, pictures, an update of another year and none, notes cited again across sections,
//! quotes typed with and without their marks, long network lists, populations of 3 to 8
//! digits, names and parties with parentheses and diacritics, one to seven languages). Every
//! command runs over all of it: `check`, `build` in every language as every kind of file,
//! bundles of every pair and of all, `translate` and `export-data`; each PDF is read back.
//!
//! The whole matrix takes some minutes on two cores (BENCHMARKS.md); `scripts/corpus.sh` runs
//! the same commands by hand.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

const LANGS: [&str; 7] = ["en", "de", "fr", "pl", "it", "es", "el"];

/// The kinds of file: the `build` flags and the file name's ending.
const KINDS: [(&[&str], &str); 5] = [
    (&["--profile", "web"], ""),
    (&["--profile", "archive"], "-archive"),
    (&["--profile", "print"], "-print"),
    (&["--profile", "print", "--paper", "a5"], "-print-a5"),
    (&["--profile", "print", "--booklet"], "-booklet"),
];

/// The corpus as a project (with the site's strings, templates and fonts), built once in
/// every kind of file; the temporary folder lives as long as the test process.
pub(crate) fn corpus() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = project_from("corpus");
        for (flags, ending) in KINDS {
            let out = dir.path().join(format!("out{ending}"));
            let mut args = vec!["build", "-o", out.to_str().unwrap()];
            args.extend(flags);
            must_succeed(&run(dir.path(), &args));
        }
        dir
    })
    .path()
}

fn slugs() -> Vec<String> {
    let mut s: Vec<String> = std::fs::read_dir(fixture("corpus/cities"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    s.sort();
    s
}

/// What a city's data says, to find in its PDFs: its facts and its texts per language.
struct City {
    slug: String,
    facts: toml::Table,
    texts: BTreeMap<String, String>,
}

impl City {
    fn read(slug: &str) -> Self {
        let dir = fixture("corpus/cities").join(slug);
        let facts = std::fs::read_to_string(dir.join("city.toml")).unwrap().parse().unwrap();
        let texts = LANGS
            .iter()
            .filter_map(|l| Some((l.to_string(), std::fs::read_to_string(dir.join(format!("{l}.md"))).ok()?)))
            .collect();
        Self { slug: slug.into(), facts, texts }
    }

    /// A localized fact (`name`, `country`, `mayor.party`) in `lang`, else English.
    fn fact(&self, value: &toml::Value, lang: &str) -> String {
        match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Table(t) => {
                t.get(lang).or_else(|| t.get("en")).and_then(|v| v.as_str()).unwrap_or("").into()
            }
            _ => String::new(),
        }
    }

    /// The titles of the numbered sections (`# Title {#id}`) the report in `lang` shows: its
    /// own where it has the section, else English.
    fn section_titles(&self, lang: &str) -> Vec<String> {
        let titles = |text: &str| -> Vec<(String, String)> {
            text.lines()
                .filter_map(|l| l.strip_prefix("# "))
                .filter_map(|l| {
                    let (title, id) = l.rsplit_once("{#")?;
                    Some((id.trim_end_matches('}').to_string(), title.trim().to_string()))
                })
                .filter(|(_, title)| !title.is_empty())
                .collect()
        };
        let own: BTreeMap<String, String> =
            self.texts.get(lang).map(|t| titles(t)).unwrap_or_default().into_iter().collect();
        titles(&self.texts["en"]).into_iter().map(|(id, en)| own.get(&id).cloned().unwrap_or(en)).collect()
    }
}

/// Text as the PDF has it, for comparing: emphasis and escapes gone, quotes and dashes alike.
fn plain(s: &str) -> String {
    s.replace(['*', '\\', '`'], "").replace(['’', '‘', '\''], "'")
}

/// Every PDF in every language and kind holds what its data says: the city's name, the
/// mayor, the population's digits, every section's title in the language the report shows
/// it in; the manifest lists it, and qpdf (where installed) finds it sound.
#[test]
fn every_report_of_the_corpus_holds_its_data() {
    let root = corpus();
    let qpdf = Command::new("qpdf").arg("--version").output().is_ok();
    if !qpdf {
        eprintln!("qpdf is not installed: the corpus's files are read by lopdf only");
    }
    let mut files = 0;
    for slug in slugs() {
        let city = City::read(&slug);
        for lang in LANGS {
            for (_, ending) in KINDS {
                let path = root.join(format!("out{ending}")).join(format!("{slug}-{lang}{ending}.pdf"));
                let pdf =
                    Pdf::new(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
                let text = pdf.text();
                let name = city.fact(&city.facts["name"], lang);
                let mayor = city.facts["mayor"]["name"].as_str().unwrap();
                for needle in [name.as_str(), mayor] {
                    assert!(
                        contains_loose(&plain(&text), &plain(needle)),
                        "{slug}-{lang}{ending}: no `{needle}`"
                    );
                }
                let digits = city.facts["population"].as_integer().unwrap().to_string();
                let only_digits: String = text
                    .chars()
                    .filter(|c| c.is_ascii_digit() || c.is_whitespace())
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let squashed: String =
                    text.chars().filter(|c| !matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}')).collect();
                assert!(
                    squashed.contains(&digits) || only_digits.contains(&digits),
                    "{slug}-{lang}{ending}: no population {digits}"
                );
                // What the template adds (quotation marks, the party's parentheses) is not
                // printed again where the data typed it already.
                // (A booklet's text is read from imposed pages, whose runs come out of order.)
                for doubled in
                    ["““", "””", "„„", "««", "»»", "((", "))"].iter().filter(|_| !ending.contains("booklet"))
                {
                    let squashed = text.replace(char::is_whitespace, "");
                    assert!(!squashed.contains(doubled), "{slug}-{lang}{ending}: `{doubled}`");
                }
                for title in city.section_titles(lang) {
                    assert!(
                        contains_loose(&plain(&text), &plain(&title)),
                        "{slug}-{lang}{ending}: no section `{title}`"
                    );
                }
                if qpdf {
                    let o = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
                    assert!(
                        o.status.success(),
                        "qpdf --check {}: {}",
                        path.display(),
                        String::from_utf8_lossy(&o.stdout)
                    );
                }
                files += 1;
            }
        }
        let _ = &city.slug;
    }
    assert!(files >= 8 * 7 * 5, "{files} files");
}

/// What the corpus is made to have: its shapes are there (a test of the corpus itself, so
/// that an edit cannot quietly take a shape away).
#[test]
fn the_corpus_has_the_shapes_of_the_sites_reports() {
    let cities: Vec<City> = slugs().iter().map(|s| City::read(s)).collect();
    assert!(cities.len() >= 8);
    let digits: Vec<usize> =
        cities.iter().map(|c| c.facts["population"].as_integer().unwrap().to_string().len()).collect();
    assert!(digits.contains(&3) && digits.contains(&8), "populations of 3 to 8 digits: {digits:?}");
    let langs: Vec<usize> = cities.iter().map(|c| c.texts.len()).collect();
    assert!(langs.contains(&1) && langs.contains(&7), "one to seven languages: {langs:?}");
    let has = |f: &dyn Fn(&City) -> bool| cities.iter().any(f);
    assert!(
        has(&|c| c.texts.get("en").is_some_and(|t| !t.contains("\n## "))),
        "a report without sub-sections"
    );
    assert!(has(&|c| c.texts["en"].matches("\n## ").count() >= 6), "six approaches");
    assert!(has(&|c| c.texts["en"].contains("\n| ")), "a table");
    assert!(has(&|c| c.texts["en"].contains("![")), "pictures");
    assert!(has(&|c| !c.texts["en"].contains("{#update}")), "no update section");
    assert!(
        has(&|c| c.facts.get("update_year").and_then(|y| y.as_integer()).is_some_and(|y| y != 2023)),
        "an update of another year"
    );
    assert!(has(&|c| c.fact(&c.facts["mayor"]["party"], "en").contains('(')), "a party with parentheses");
    assert!(
        has(&|c| c.facts.get("networks").and_then(|n| n.as_array()).is_some_and(|n| n.len() >= 10)),
        "a long network list"
    );
    for lang in ["pl", "el", "de"] {
        assert!(
            has(&|c| c.texts.get(lang).is_some_and(|t| t.len() > c.texts["en"].len() / 2)),
            "a full {lang} translation"
        );
    }
    // Notes cited again across sections: a label used in two sections.
    assert!(
        has(&|c| {
            let sections: Vec<&str> = c.texts["en"].split("\n# ").collect();
            (1..40).any(|n| sections.iter().filter(|s| s.contains(&format!("[^{n}]"))).count() >= 2)
        }),
        "a note cited again in another section"
    );
}

/// `check` typesets the whole corpus, every language as every kind of file, and passes; a
/// second `check` finds every report's inputs unchanged and typesets nothing.
#[test]
fn check_passes_over_the_corpus_and_remembers_what_passed() {
    let project = project_from("corpus");
    let o = run(project.path(), &["check"]);
    must_succeed(&o);
    assert!(project.path().join(".cityreport/checked").exists());
    let lines = std::fs::read_to_string(project.path().join(".cityreport/checked")).unwrap().lines().count();
    assert_eq!(lines, slugs().len() * 7 * 5, "every kind of every report passed and is remembered");
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(&format!("({lines} files typeset, 0 unchanged since they passed)")), "{said}");
    // Nothing changed: nothing is typeset again, and it still passes.
    let o = run(project.path(), &["check"]);
    must_succeed(&o);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(&format!("(0 files typeset, {lines} unchanged since they passed)")), "{said}");
    // One city's text changes: only its reports are typeset again.
    let en = project.path().join("data/cities/camini/en.md");
    std::fs::write(&en, std::fs::read_to_string(&en).unwrap().replacen("Camini", "Camini,", 1)).unwrap();
    let o = run(project.path(), &["check"]);
    must_succeed(&o);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains(&format!("(35 files typeset, {} unchanged since they passed)", lines - 35)),
        "{said}"
    );
}

/// A bundle of every pair of cities (each cites notes again: their labels once clashed) and of
/// all of them, in every kind of print file, and in every language for all of them.
#[test]
fn bundles_of_every_pair_and_of_all_are_made() {
    let root = corpus();
    let slugs = slugs();
    let out = tempfile::tempdir().unwrap();
    let qpdf = Command::new("qpdf").arg("--version").output().is_ok();
    let bundle = |cities: &str, lang: &str, flags: &[&str], file: &str| {
        let path = out.path().join(file);
        let mut args = vec!["bundle", "--city", cities, "--lang", lang, "-o", path.to_str().unwrap()];
        args.extend(flags);
        must_succeed(&run(root, &args));
        if qpdf {
            let o = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
            assert!(o.status.success(), "qpdf --check {file}: {}", String::from_utf8_lossy(&o.stdout));
        }
        Pdf::new(std::fs::read(&path).unwrap())
    };
    for (i, a) in slugs.iter().enumerate() {
        for b in &slugs[i + 1..] {
            for (flags, ending) in &KINDS[2..] {
                let pdf = bundle(&format!("{a},{b}"), "en", flags, &format!("{a}-{b}{ending}.pdf"));
                for slug in [a, b] {
                    let name = City::read(slug).fact(&City::read(slug).facts["name"], "en");
                    assert!(contains_loose(&pdf.text(), &name), "{a},{b}{ending}: no {name}");
                }
            }
        }
    }
    let all = slugs.join(",");
    for (flags, ending) in &KINDS[2..4] {
        bundle(&all, "en", flags, &format!("all{ending}.pdf"));
    }
    // All of them as one booklet is 32 sheets: saddle-stitched, its inner pages would creep
    // past their bleed, which is refused naming the flag; with the creep set to 0 it is made.
    let path = out.path().join("all-booklet.pdf");
    let args = [
        "bundle",
        "--city",
        &all,
        "--lang",
        "en",
        "--profile",
        "print",
        "--booklet",
        "-o",
        path.to_str().unwrap(),
    ];
    let stderr = must_fail(&run(root, &args));
    assert!(stderr.contains("--creep") && stderr.contains("thinner booklet"), "{stderr}");
    assert!(!path.exists());
    bundle(&all, "en", &["--profile", "print", "--booklet", "--creep", "0"], "all-booklet.pdf");
    for lang in &LANGS[1..] {
        let pdf = bundle(&all, lang, &["--profile", "web"], &format!("all-{lang}.pdf"));
        for slug in &slugs {
            let city = City::read(slug);
            let name = city.fact(&city.facts["name"], lang);
            assert!(contains_loose(&pdf.text(), &name), "all-{lang}: no {name}");
        }
    }
}

/// `export-data` and `translate` run over every city and language: the JSON is the report's,
/// and a translation brought up to date still checks.
#[test]
fn export_data_and_translate_run_over_the_corpus() {
    let project = project_from("corpus");
    for slug in slugs() {
        for lang in LANGS {
            let o = run(project.path(), &["export-data", &slug, "--lang", lang]);
            must_succeed(&o);
            let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(json["slug"], slug.as_str());
            assert_eq!(json["lang"], lang);
            if lang != "en" {
                must_succeed(&run(project.path(), &["translate", &slug, "--to", lang]));
            }
        }
    }
    must_succeed(&run(project.path(), &["check", "--data-only"]));
}

/// A report without an update section has no `update_year`: its cover says when it was
/// written, not that it was updated; one with an update of another year says that year.
#[test]
fn the_covers_dates_follow_the_update() {
    let root = corpus();
    let cover = |file: &str| Pdf::new(std::fs::read(root.join("out").join(file)).unwrap()).pages[0].clone();
    let camini = cover("camini-en.pdf");
    assert!(camini.contains("Report from 2022") && !camini.contains("updated"), "{camini}");
    let grenoble = cover("grenoble-fr.pdf");
    assert!(grenoble.contains("Rapport de 2022") && !grenoble.contains("mis à jour"), "{grenoble}");
    let gdansk = Pdf::new(std::fs::read(root.join("out/gdansk-pl.pdf")).unwrap());
    assert!(gdansk.pages[0].contains("2024") && gdansk.text().contains("2024"), "{}", gdansk.pages[0]);
}
