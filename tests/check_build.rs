//! `check` passing means `build` passes: whatever `check` accepts renders in every profile,
//! prints what was typed, and never replaces another file; whatever would fail in a template
//! fails in `check`, located in the data. A property test generates whole reports.

use std::path::Path;

use cityreport::report::output::{Output, Paper, Profile};
use proptest::prelude::*;

use crate::common::*;

/// Replaces `find` by `replace` in the data file `file` of `root`.
fn edit(root: &Path, file: &str, find: &str, replace: &str) {
    let path = root.join("data").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(find), "{file} lacks {find:?}");
    std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
}

/// Symbols and emoji an editor types print in every profile, from the symbol fonts (web and
/// archive files are PDF/UA, which refuses an empty box: they would not be made at all).
#[test]
fn symbols_and_emoji_print_in_every_profile() {
    let project = project_from("tiny");
    let typed = "Arrows → ⇒, checks ✓ ✔, stars ★, hearts ❤ ❤\u{FE0F}, ≤ ± № °, 🙂 🇮🇹 🏙\u{FE0F} 👩\u{200D}👩\u{200D}👧.";
    edit(project.path(), "cities/tiny/en.md", "Tinytown is small.", typed);
    must_succeed(&run(project.path(), &["check"]));
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    for (profile, file) in
        [("web", "tiny-en.pdf"), ("print", "tiny-en-print.pdf"), ("archive", "tiny-en-archive.pdf")]
    {
        must_succeed(&run(
            project.path(),
            &["render", "tiny", "--lang", "en", "--profile", profile, "-o", o],
        ));
        let pdf = Pdf::new(std::fs::read(out.path().join(file)).unwrap());
        for c in ["→", "⇒", "✓", "★", "❤", "≤", "№", "🙂", "🏙"] {
            assert!(pdf.text().contains(c), "{file}: {c} is not printed:\n{}", pdf.text());
        }
        let fonts: Vec<String> = pdf.fonts().into_iter().map(|(name, _)| name).collect();
        for face in [
            "NotoSansSymbols-Regular",
            "NotoSansSymbols2-Regular",
            "NotoSansMath-Regular",
            "NotoEmoji-Regular",
        ] {
            assert!(fonts.iter().any(|f| f.ends_with(face)), "{file}: {face} is not used: {fonts:?}");
        }
    }
}

/// What an editor types prints as typed: braces in a sub-heading are text, double quotes in
/// the pull quote are the inner marks of its language, a city name of spaces is refused.
#[test]
fn braces_and_quotes_print_as_typed() {
    let project = project_from("tiny");
    let root = project.path();
    edit(root, "cities/tiny/en.md", "### What is unique about the city?", "### What is {unique} about it?");
    edit(
        root,
        "cities/tiny/en.md",
        "text = \"We welcome everyone.\"",
        r#"text = "\"Welcome\" is what we say""#,
    );
    edit(
        root,
        "cities/tiny/de.md",
        "text = \"Wir heißen alle willkommen.\"",
        r#"text = "Wir sagen \"willkommen\" hier""#,
    );
    must_succeed(&run(root, &["check"]));
    let en = Pdf::new(render(root, "tiny", "en"));
    en.assert_has("What is {unique} about it?");
    en.assert_has("“‘Welcome’ is what we say”");
    let de = Pdf::new(render(root, "tiny", "de"));
    de.assert_has("„Wir sagen ‚willkommen‘ hier“");
}

/// Line ends of old Mac files (a bare carriage return) read as line ends: the city builds,
/// and a mistake in such a file is reported at its line.
#[test]
fn bare_carriage_returns_are_line_ends() {
    let project = project_from("tiny");
    for file in ["cities/tiny/city.toml", "cities/tiny/en.md"] {
        let path = project.path().join("data").join(file);
        let text = std::fs::read_to_string(&path).unwrap().replace('\n', "\r");
        std::fs::write(&path, text).unwrap();
    }
    must_succeed(&run(project.path(), &["check"]));
    Pdf::new(render(project.path(), "tiny", "en")).assert_has("Tinytown is small.");
    edit(project.path(), "cities/tiny/city.toml", "report_year = 2021", "report_year = 1021");
    let stderr = must_fail(&run(project.path(), &["check"]));
    assert!(
        stderr.contains("data/cities/tiny/city.toml:4:15") && stderr.contains("`report_year` is 1021"),
        "{stderr}"
    );
}

/// A link inside `templates/` that leads out is named as a link, whether a template reads it
/// or it is a template itself.
#[test]
fn a_symbolic_link_in_the_templates_is_named_as_one() {
    let project = project_from("tiny");
    let templates = own_templates(project.path());
    std::os::unix::fs::symlink("/etc/hostname", templates.join("logo.svg")).unwrap();
    let closing = templates.join("closing.typ");
    let text = std::fs::read_to_string(&closing).unwrap();
    std::fs::write(&closing, format!("{text}\n#let _probe = read(\"logo.svg\")\n")).unwrap();
    let stderr = must_fail(&run(project.path(), &["render", "tiny", "--lang", "en"]));
    assert!(stderr.contains("/templates/logo.svg is a symbolic link to /etc/hostname"), "{stderr}");
    std::fs::write(&closing, text).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", templates.join("extra.typ")).unwrap();
    let stderr = must_fail(&run(project.path(), &["check"]));
    assert!(
        stderr.contains("templates/extra.typ is a symbolic link that leads outside templates/"),
        "{stderr}"
    );
}

/// A footnote whose text is an HTML tag: one error, about the HTML, not also "empty" or
/// "not defined" for the definitions the HTML block ran over.
#[test]
fn an_html_footnote_is_one_error() {
    let project = project_from("tiny");
    edit(project.path(), "cities/tiny/en.md", "[^1]: First source.", "[^1]: <b>");
    let stderr = must_fail(&run(project.path(), &["check"]));
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(stderr.contains("`<b>` starts an HTML block"), "{stderr}");
}

/// Pieces of text from every Unicode block the site's languages use, symbols, emoji (with
/// variation selectors, joiners, skin tones and tag sequences), marks and isolates of
/// direction, spaces that do not break and marks that combine.
const LETTERS: &[&str] = &[
    "Milan",
    "Stadt",
    "ąćęłńóśźż",
    "ĄŁŻ",
    "äöüß",
    "ÄÖÜ",
    "éèçàœ",
    "ÉÈ",
    "ñ¿¡",
    "αβγ",
    "Μιλάνο",
    "ΐΰ",
    "e\u{301}",
    "2023",
    "1,398,765",
    "–",
    "—",
    "…",
    "„",
    "“",
    "”",
    "«",
    "»",
    "‘",
    "’",
    "€",
    "№",
    "°",
    "±",
    "≤",
    "→",
    "⇒",
    "✓",
    "★",
    "❤",
    "❤\u{FE0F}",
    "🙂",
    "🇮🇹",
    "🏙\u{FE0F}",
    "👩\u{200D}👧",
    "👍🏽",
    "©\u{FE0F}",
    "a\u{FE0E}",
    "1\u{FE0F}\u{20E3}",
    "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
    "a\u{200E}b",
    "\u{2066}x\u{2069}",
    "a\u{34F}\u{E0100}b",
    "\u{2028}",
    "\u{A0}",
    "\u{202F}",
    "\u{200B}",
    "x\u{AD}y",
];

/// Markdown a writer types: emphasis, links, code, quotes, and characters that mean
/// something to Markdown, TOML or Typst, where they mean nothing to Markdown.
const MARKUP: &[&str] = &[
    "*em*",
    "**strong**",
    "`code`",
    "[link](https://example.org/a)",
    "<https://example.org/b>",
    "{brace}",
    "\"quoted\"",
    "'single'",
    "it's",
    "x#y",
    "$",
    "@",
    "~",
    "\\*",
    "a<b>",
    "&amp;",
    "&nbsp;",
    "_",
    "x*y",
    "{#id}",
];

/// Mistakes: a link with a space, an HTML tag, a stray bracket, an undefined footnote, and
/// characters that start a heading, a list or a rule at the start of a line.
const MISTAKES: &[&str] =
    &["[a](https://x.org/a b)", "](", "[^x]", "<b>", "<!--", "#", "-", "+", "1.", "*", "---", "東"];

/// A run of text: words of letters and markup (and mistakes, when `mistakes`), separated by
/// spaces.
fn words(max: usize, mistakes: bool) -> impl Strategy<Value = String> {
    let bad = if mistakes { 1 } else { 0 };
    let piece = prop_oneof![
        8 => proptest::sample::select(LETTERS),
        2 => proptest::sample::select(MARKUP),
        bad => proptest::sample::select(MISTAKES),
    ];
    proptest::collection::vec(piece, 1..max).prop_map(|v| v.join(" "))
}

/// A block of the body.
fn block(m: bool) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => words(14, m),
        1 => words(6, m).prop_map(|w| format!("### {w}")),
        2 => proptest::collection::vec((words(8, m), any::<bool>()), 1..4).prop_map(|items| {
            items.iter().map(|(w, nested)| if *nested { format!("  - {w}") } else { format!("- {w}") }).collect::<Vec<_>>().join("\n")
        }),
        1 => words(8, m).prop_map(|w| format!("> {w}")),
        1 => words(8, m).prop_map(|w| format!("{w}[^n]")),
    ]
}

/// One section: its heading words, whether it has a lead, and its blocks.
fn section(m: bool) -> impl Strategy<Value = (String, Option<String>, Vec<String>)> {
    (words(5, m), proptest::option::of(words(8, m)), proptest::collection::vec(block(m), 0..4))
}

/// A whole `en.md` and the city's name and mayor: what a writer might save.
#[derive(Debug, Clone)]
struct Report {
    tagline: String,
    takeaways: Vec<String>,
    quote: (String, String),
    location: String,
    sections: Vec<(String, Option<String>, Vec<String>)>,
    update: Vec<String>,
    note: String,
    name: String,
    mayor: String,
}

/// A report; half of them hold mistakes.
fn report() -> impl Strategy<Value = Report> {
    any::<bool>().prop_flat_map(|m| {
        (
            (
                words(8, m),
                proptest::collection::vec(words(10, m), 1..4),
                (words(12, m), words(5, m)),
                words(8, m),
            ),
            proptest::collection::vec(section(m), 1..4),
            (proptest::collection::vec(words(8, m), 1..3), words(8, m)),
            (words(3, m), words(3, m)),
        )
            .prop_map(
                |((tagline, takeaways, quote, location), sections, (update, note), (name, mayor))| Report {
                    tagline,
                    takeaways,
                    quote,
                    location,
                    sections,
                    update,
                    note,
                    name,
                    mayor,
                },
            )
    })
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Report {
    /// The report as `en.md`: the first section is the abstract, the last the update.
    fn markdown(&self) -> String {
        let list = |v: &[String]| v.iter().map(|s| toml_string(s)).collect::<Vec<_>>().join(", ");
        let mut md = format!(
            "+++\ntagline = {}\ntakeaways = [{}]\n\n[quote]\ntext = {}\nattribution = {}\n\n[figures]\nlocation = {}\n+++\n\n",
            toml_string(&self.tagline),
            list(&self.takeaways),
            toml_string(&self.quote.0),
            toml_string(&self.quote.1),
            toml_string(&self.location),
        );
        let mut cited = false;
        for (i, (title, lead, blocks)) in self.sections.iter().enumerate() {
            let id = if i == 0 { "abstract".to_string() } else { format!("s{i}") };
            md.push_str(&format!("# {title} {{#{id}}}\n\n"));
            if let Some(lead) = lead.as_ref().filter(|l| !l.trim().is_empty()) {
                md.push_str(&format!("*{lead}*\n\n"));
            }
            for block in blocks {
                if block.ends_with("[^n]") {
                    if cited {
                        continue;
                    }
                    cited = true;
                }
                md.push_str(block);
                md.push_str("\n\n");
            }
        }
        md.push_str("# {#update}\n\n");
        for item in &self.update {
            md.push_str(&format!("- {item}\n"));
        }
        if cited {
            md.push_str(&format!("\n[^n]: {}\n", self.note));
        }
        md
    }

    fn city_toml(&self) -> String {
        format!(
            "name = {}\ncountry = \"Nowhere\"\npopulation = 12345\nreport_year = 2021\nupdate_year = 2023\n\n[mayor]\nname = {}\n",
            toml_string(&self.name),
            toml_string(&self.mayor)
        )
    }
}

/// The kinds of file every accepted report must make.
fn kinds() -> [(&'static str, Output); 3] {
    [
        ("web", Output::WEB),
        ("print", Output::new(Profile::Print, Some(Paper::A4), false).unwrap()),
        ("archive", Output::new(Profile::Archive, None, false).unwrap()),
    ]
}

/// What `check --data-only` says of the report, through the library (`Project::check`): Ok,
/// or every problem, each of which must be located in a data file.
fn check(root: &Path) -> Result<(cityreport::Project, cityreport::data::City), Vec<String>> {
    use cityreport::publish::check::{CheckOptions, Finding};
    let located = |d: &cityreport::Diagnostics| -> Vec<String> {
        for e in d.0.iter().filter(|e| !e.warning) {
            assert!(e.text.is_some() && e.path.starts_with("data"), "an error not located in the data: {e}");
        }
        d.0.iter().filter(|e| !e.warning).map(|e| e.to_string()).collect()
    };
    let project = cityreport::Project::open(root).map_err(|e| match e {
        cityreport::OpenError::Data(d) => located(&d),
        cityreport::OpenError::Other(e) => panic!("not a data error: {e:#}"),
    })?;
    let options = CheckOptions { cities: vec!["tiny".into()], data_only: true, ..CheckOptions::default() };
    let report = project.check(&options);
    if !report.passed {
        let found = report.findings.iter().filter_map(|f| match f {
            Finding::Diagnostics(d) => Some(located(d)),
            _ => None,
        });
        return Err(found.flatten().collect());
    }
    let city = project.city("tiny").expect("the city check passed");
    Ok((project, city))
}

/// How many generated reports `check` accepted (printed, so a run that accepts none shows).
static ACCEPTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever `check` accepts renders as a web, print and archive file in English and (all of
    /// it from the English, marked) in German; whatever it refuses is refused with places in
    /// the data. PROPTEST_CASES sets the number of reports (24 by default).
    #[test]
    fn what_check_accepts_renders_in_every_profile(r in report()) {
        let project = project_from("tiny");
        let dir = project.path().join("data/cities/tiny");
        std::fs::write(dir.join("en.md"), r.markdown()).unwrap();
        std::fs::write(dir.join("city.toml"), r.city_toml()).unwrap();
        std::fs::remove_file(dir.join("de.md")).unwrap();
        let Ok((p, city)) = check(project.path()) else { return Ok(()) };
        let accepted = ACCEPTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        eprintln!("check accepted generated report {accepted}");
        for lang in ["en", "de"] {
            for (kind, output) in kinds() {
                let made = p.report(&city, lang, output).and_then(|report| p.make(cityreport::make::Source::Report(&report), output, "file.pdf"));
                if let Err(d) = made {
                    panic!("check accepted this, but the {kind} file in {lang} failed:\n{d}\n--- en.md ---\n{}\n--- city.toml ---\n{}", r.markdown(), r.city_toml());
                }
            }
        }
    }
}
