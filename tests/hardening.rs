//! What a user's data can do to a report, beyond the corpus of mistakes: long unbreakable
//! strings stay inside the text area, `check --typeset` finds template errors, and any text in
//! any field prints as typed or gives a located error (a property test).

use std::path::Path;

use proptest::prelude::*;

use crate::common::*;

/// The text area's right edge on a web page (A4, 37 mm margins), in points.
const TEXT_RIGHT: f32 = (210.0 - 37.0) / 25.4 * 72.0;

/// A 120-letter compound word, a long hash and a long identifier in a paragraph: no ink right
/// of the text area on any page but the cover (whose accents reach the edge by design).
#[test]
fn long_unbreakable_strings_break_inside_the_text_area() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let word = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaftskapitänswitwenrentenauszahlungsstelle";
    let hash = "3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f";
    let ident = "an_identifier_that_goes_on_and_on_without_any_break_at_all_whatsoever_really";
    let text = std::fs::read_to_string(&en).unwrap().replace(
        "Body text of the background.[^2]",
        &format!("Body text of the background.[^2] {word}, {hash} and `{ident}`."),
    );
    std::fs::write(&en, text).unwrap();
    let (out, pdf) = render_with_pictures(project.path(), 1.0);
    // The strings are all there, whole (break opportunities are invisible).
    let all = pdf.text().replace(['\u{ad}', '\u{200b}'], "");
    for s in [word, hash, ident] {
        assert!(contains_loose(&all, s), "{s} is not printed whole");
    }
    let mut checked = 0;
    for page in 2..=pdf.pages.len() {
        let picture = image::open(out.path().join(format!("tiny-en-{page:02}.png"))).unwrap().to_luma8();
        let from = (TEXT_RIGHT + 2.0).ceil() as u32;
        let ink = (from..picture.width())
            .flat_map(|x| (0..picture.height()).map(move |y| (x, y)))
            .find(|&(x, y)| picture.get_pixel(x, y).0[0] < 200);
        assert!(ink.is_none(), "page {page}: ink right of the text area at {ink:?}");
        checked += 1;
    }
    assert!(checked >= 3);
}

/// `check --data-only` validates data; plain `check` also typesets every report and so finds
/// an error in the templates, located there (`--typeset`, its old name, still works).
#[test]
fn check_finds_template_errors() {
    let project = project_from("tiny");
    let templates = own_templates(project.path());
    let quote = templates.join("quote.typ");
    let text = std::fs::read_to_string(&quote).unwrap().replace("data.quote", "data.qoute");
    std::fs::write(&quote, text).unwrap();
    must_succeed(&run(project.path(), &["check", "--data-only"]));
    for args in [&["check"][..], &["check", "--typeset"]] {
        let stderr = must_fail(&run(project.path(), args));
        assert!(stderr.contains("templates/quote.typ:") && stderr.contains("qoute"), "{stderr}");
    }
}

/// Text as a writer types it, from an alphabet of everything that means something to
/// Markdown, TOML or Typst, letters of the site's languages, quotes and dashes.
fn typed_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> =
        "abcxyzABCXYZ0129 #$*_@<>[]\\\"'~/`{}()|!%&=+-:;,.?^ąęłńóśźżĄŁŻäöüßÄÖÜéèçàœÉÈαβγΩλόίΈ–—…„“”«»‘’"
            .chars()
            .collect();
    proptest::collection::vec(proptest::sample::select(chars), 1..40).prop_map(|v| v.into_iter().collect())
}

/// `s` as Markdown that means exactly `s`: every ASCII punctuation character escaped.
fn markdown_literal(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_punctuation() { format!("\\{c}") } else { c.to_string() }).collect()
}

/// `s` as a TOML basic string.
fn toml_literal(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Renders the tiny fixture with `edit` applied (through the library: a project per case
/// would be slow through the binary). Ok(text of the PDF), or Err(every problem, each located).
fn render_with(edit: impl FnOnce(&Path)) -> Result<String, Vec<String>> {
    let project = project_from("tiny");
    edit(project.path());
    let located = |d: &cityreport::Diagnostics| -> Vec<String> {
        for e in &d.0 {
            assert!(e.text.is_some(), "an error without a place: {e}");
        }
        d.0.iter().map(|e| e.to_string()).collect()
    };
    let p = cityreport::Project::open(project.path()).map_err(|e| match e {
        cityreport::OpenError::Data(d) => located(&d),
        cityreport::OpenError::Other(e) => panic!("not a data error: {e:#}"),
    })?;
    let city = p.city("tiny").map_err(|d| located(&d))?;
    if city.warnings.iter().any(|w| w.message.contains("no font")) {
        panic!("a character of the alphabet has no font: {:?}", city.warnings);
    }
    let report = p.report(&city, "en", cityreport::Output::WEB).map_err(|d| located(&d))?;
    let rendered = p.render(&report).map_err(|d| located(&d))?;
    let text = pdf_extract::extract_text_from_mem(&rendered.pdf).expect("text extraction");
    Ok(text.replace(['\u{ad}', '\u{200b}'], ""))
}

/// The PDF's text shows `typed` (whitespace and line-end hyphens aside, and straight quotes,
/// which print as quotation marks, apostrophes or primes); only a field of nothing but spaces
/// may be refused, with a located error.
#[track_caller]
fn assert_printed(result: Result<String, Vec<String>>, typed: &str, field: &str) {
    let quotes = |s: &str| s.replace(['\'', '"', '“', '”', '‘', '’', '′', '″'], "\"");
    match result {
        Ok(text) => {
            let text = quotes(&text);
            let typed = quotes(&typed.split_whitespace().collect::<Vec<_>>().join(" "));
            assert!(contains_loose(&text, &typed), "{field}: {typed:?} is not printed as typed:\n{text}");
        }
        // A located error is the answer to a field of spaces only; anything else prints.
        Err(errors) => assert!(typed.trim().is_empty(), "{field}: {typed:?} was refused: {errors:#?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// The tagline (a front-matter string, inline Markdown).
    #[test]
    fn any_tagline_prints_as_typed_or_gives_a_located_error(typed in typed_text()) {
        let result = render_with(|root| {
            let en = root.join("data/cities/tiny/en.md");
            let text = std::fs::read_to_string(&en).unwrap().replace(
                "tagline = \"A small town with a big heart\"",
                &format!("tagline = {}", toml_literal(&markdown_literal(&typed))),
            );
            std::fs::write(&en, text).unwrap();
        });
        assert_printed(result, &typed, "tagline");
    }

    /// A paragraph of the body (Markdown).
    #[test]
    fn any_paragraph_prints_as_typed_or_gives_a_located_error(typed in typed_text()) {
        let result = render_with(|root| {
            let en = root.join("data/cities/tiny/en.md");
            let text = std::fs::read_to_string(&en).unwrap().replace(
                "Body text of the background.[^2]",
                &format!("Body text of the background.[^2]\n\n{}", markdown_literal(&typed)),
            );
            std::fs::write(&en, text).unwrap();
        });
        assert_printed(result, &typed, "paragraph");
    }

    /// The mayor's name (city.toml: plain text, not Markdown).
    #[test]
    fn any_mayor_name_prints_as_typed_or_gives_a_located_error(typed in typed_text()) {
        let result = render_with(|root| {
            let facts = root.join("data/cities/tiny/city.toml");
            let text = std::fs::read_to_string(&facts).unwrap().replace("name = \"Ann Example\"", &format!("name = {}", toml_literal(&typed)));
            std::fs::write(&facts, text).unwrap();
        });
        assert_printed(result, &typed, "mayor");
    }
}

/// Text with raw Markdown character references among the characters: references to letters,
/// to what no font has, to control characters, private-use characters and nothing at all.
fn text_with_references() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        typed_text(),
        proptest::sample::select(vec![
            "&#x41;", "&eacute;", "&#7;", "&#0;", "&#xE000;", "&#xFFFF;", "&#x6D4B;", "&amp;", "&#x2014;",
            "&hearts;",
        ])
        .prop_map(str::to_string),
    ];
    proptest::collection::vec(pieces, 1..6).prop_map(|v| v.concat())
}

/// Whether the data of the project at `root` passes `check`'s reading of it (the first step,
/// through the library), and if so, a bundle of its cities as a print booklet.
fn data_passes_then_bundle(root: &Path, cities: &[&str]) -> Result<(), Vec<String>> {
    let errors = |d: &cityreport::Diagnostics| {
        d.0.iter().filter(|e| !e.warning).map(|e| e.to_string()).collect::<Vec<_>>()
    };
    let p = cityreport::Project::open(root).map_err(|e| match e {
        cityreport::OpenError::Data(d) => errors(&d),
        cityreport::OpenError::Other(e) => panic!("not a data error: {e:#}"),
    })?;
    for slug in cities {
        let city = p.city(slug).map_err(|d| errors(&d))?;
        p.verify_pictures(&city).map_err(|d| errors(&d))?;
        let missing: Vec<String> =
            city.warnings.iter().filter(|w| w.message.contains("no font")).map(|w| w.to_string()).collect();
        if !missing.is_empty() {
            return Err(missing);
        }
    }
    let output = cityreport::Output::new(cityreport::report::output::Profile::Print, None, true).unwrap();
    let slugs: Vec<String> = cities.iter().map(|s| s.to_string()).collect();
    let bundle = p
        .bundle(&slugs, "en", output, None)
        .unwrap_or_else(|d| panic!("check passed, the bundle's assembly failed: {d:?}"));
    p.make(cityreport::make::Source::Bundle(&bundle), output, "bundle.pdf")
        .unwrap_or_else(|d| panic!("check passed, the bundle failed: {d:?}"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// If the data passes, a bundle of two cities that each cite a note again, holding the
    /// text with its references raw, is made; if not, the refusal is located in a data file.
    #[test]
    fn a_bundle_of_cities_that_pass_is_made(typed in text_with_references()) {
        let project = project_from("tiny");
        let root = project.path();
        let en = root.join("data/cities/tiny/en.md");
        let text = std::fs::read_to_string(&en).unwrap().replace(
            "Body text of the background.[^2]",
            &format!("Body text of the background.[^2] {typed}"),
        );
        std::fs::write(&en, text).unwrap();
        copy_dir(&root.join("data/cities/tiny"), &root.join("data/cities/tiny-two"));
        if let Err(errors) = data_passes_then_bundle(root, &["tiny", "tiny-two"]) {
            assert!(errors.iter().all(|e| e.contains("data/cities/tiny")), "{errors:#?}");
        }
    }
}

/// The limits that keep one report's time and memory bounded, each a located error naming
/// it: more than 1000 footnotes in a file (`check` finds it), more than 400 pages (found when
/// typesetting: `render`, `check --typeset`).
#[test]
fn too_many_footnotes_or_pages_are_refused_with_the_limit() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let original = std::fs::read_to_string(&en).unwrap();
    let cites: String = (10..1012).map(|i| format!("Cited.[^{i}] ")).collect();
    let defs: String = (10..1012).map(|i| format!("[^{i}]: Source {i}.\n")).collect();
    let text = original
        .replace("Body text of the background.[^2]", &format!("Body text of the background.[^2] {cites}"));
    std::fs::write(&en, format!("{text}\n{defs}")).unwrap();
    let stderr = must_fail(&run(project.path(), &["check"]));
    assert!(stderr.contains("the file defines 1005 footnotes; a report may have at most 1000"), "{stderr}");
    // At the 1001st definition, in the file's order (after the fixture's three: source 1007).
    let line = defs.lines().position(|l| l.starts_with("[^1007]:")).unwrap();
    let at = text.lines().count() + 2 + line;
    assert!(stderr.contains(&format!("data/cities/tiny/en.md:{at}:1")), "{at}: {stderr}");

    // 420 sections of a word each: every section starts a page.
    let sections: String = (0..420).map(|i| format!("# Part {i} {{#part-{i}}}\n\nWord.\n\n")).collect();
    std::fs::write(&en, original.replace("# {#update}", &format!("{sections}# {{#update}}"))).unwrap();
    must_succeed(&run(project.path(), &["check", "--data-only"]));
    let out = project.path().join("out");
    let stderr =
        must_fail(&run(project.path(), &["render", "tiny", "--lang", "en", "-o", out.to_str().unwrap()]));
    assert!(stderr.contains("pages; a report may have at most 400"), "{stderr}");
    assert!(!out.join("tiny-en.pdf").exists());
    let stderr = must_fail(&run(project.path(), &["check"]));
    assert!(stderr.contains("a report may have at most 400"), "{stderr}");
}

/// The tiny fixture with 11 takeaways, a long lead and inline code, rendered with pictures at
/// 2 px per point: (pictures folder, PDF).
fn layout_fixture() -> (tempfile::TempDir, Pdf) {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let takeaways: Vec<String> =
        (1..=11).map(|i| format!("\"Takeaway {i}, long enough to take two lines of the box, so that the numeral sits beside text.\"")).collect();
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replace("takeaways = [\"First takeaway.\", \"Second takeaway.\"]", &format!("takeaways = [{}]", takeaways.join(", ")))
        .replace(
            "*Tinytown has always been a town of migration.*",
            "*Tinytown has always been a town of migration: people came from the valleys and from far away, they stayed, and the town grew with every family, slowly and gently.*",
        )
        .replace("Body text of the background.[^2]", "Body text of the background.[^2] Run `cityreport build --force` again.");
    std::fs::write(&en, text).unwrap();
    render_with_pictures(project.path(), 2.0)
}

/// Renders tiny in English from the project at `root`, with a picture of each page at `ppp`
/// pixels per point: (the output folder, the PDF).
fn render_with_pictures(root: &Path, ppp: f64) -> (tempfile::TempDir, Pdf) {
    let out = tempfile::tempdir().unwrap();
    let ppp = ppp.to_string();
    must_succeed(&run(
        root,
        &["render", "tiny", "--lang", "en", "--png", &ppp, "-o", out.path().to_str().unwrap()],
    ));
    let pdf = Pdf::new(std::fs::read(out.path().join("tiny-en.pdf")).unwrap());
    (out, pdf)
}

/// Whether the pixel is ink (dark), or the yellow of the boxes and the lead's bar.
fn dark(p: &image::Rgb<u8>) -> bool {
    p.0.iter().all(|&c| c < 100)
}
fn yellow(p: &image::Rgb<u8>) -> bool {
    p.0[0] > 200 && p.0[1] > 200 && p.0[2] < 120
}

/// Takeaway numbers of two digits do not touch their text; inline code is set at 0.9 of the
/// text around it (9.9 pt in 11 pt text), not smaller; the lead's bar reaches as low as its
/// text.
#[test]
fn numerals_code_and_lead_bar_are_laid_out_right() {
    let (out, pdf) = layout_fixture();
    let page = |n: usize| image::open(out.path().join(format!("tiny-en-{n:02}.png"))).unwrap().to_rgb8();

    // The takeaways: the boxes are runs of rows with yellow at their left edge.
    let boxes_page = pdf.pages_with("Takeaway 10,")[0] + 1;
    let pic = page(boxes_page);
    let left = (37.0 / 25.4 * 72.0 * 2.0) as u32 + 4;
    let rows: Vec<u32> = (0..pic.height()).filter(|&y| yellow(pic.get_pixel(left, y))).collect();
    let mut bands: Vec<(u32, u32)> = Vec::new();
    for y in rows {
        match bands.last_mut() {
            Some((_, end)) if y == *end + 1 => *end = y,
            _ => bands.push((y, y)),
        }
    }
    let ten = pdf.pages[boxes_page - 1].matches("Takeaway").count();
    assert!(ten >= 2, "{}", pdf.pages[boxes_page - 1]);
    // The box of "10" is the tenth on its page counted from the first takeaway there.
    let first = pdf.pages[boxes_page - 1]
        .split("Takeaway ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse::<usize>()
        .unwrap();
    let (top, bottom) = bands[10 - first];
    let inked: Vec<bool> =
        (left..pic.width()).map(|x| (top..=bottom).any(|y| dark(pic.get_pixel(x, y)))).collect();
    // The widest blank between ink in the box's first 45 mm: between the numeral and the text
    // (the digits' own gap is a few pixels).
    let start = inked.iter().position(|&i| i).unwrap();
    let reach = start + (45.0 / 25.4 * 72.0 * 2.0) as usize;
    let (mut widest, mut run) = (0, 0);
    for &i in &inked[start..reach.min(inked.len())] {
        run = if i { 0 } else { run + 1 };
        widest = widest.max(run);
    }
    assert!(widest >= 16, "the numeral 10 is {widest} px (at 2 px/pt) from its text");

    // Inline code: the font sizes set on the page with the code.
    let code_page = pdf.pages_with("cityreport build --force")[0];
    let sizes = pdf.font_sizes(code_page);
    assert!(sizes.iter().any(|s| (*s - 9.9).abs() < 0.05), "no 9.9 pt text (the code) among {sizes:?}");
    assert!(!sizes.iter().any(|s| (*s - 7.92).abs() < 0.05), "code at 7.92 pt (0.72 of the text): {sizes:?}");

    // The lead: its yellow bar, left of the text, runs down to the text's last descender.
    let lead_page = pdf.pages_with("slowly and gently")[0] + 1;
    let pic = page(lead_page);
    let bar_x = (0..pic.width())
        .find(|&x| (0..pic.height()).filter(|&y| yellow(pic.get_pixel(x, y))).count() > 20)
        .unwrap();
    let bar: Vec<u32> = (0..pic.height()).filter(|&y| yellow(pic.get_pixel(bar_x, y))).collect();
    let (bar_top, bar_bottom) = (bar[0], *bar.last().unwrap());
    let text_rows: Vec<u32> = (bar_top.saturating_sub(20)..bar_bottom + 40)
        .filter(|&y| (bar_x + 8..bar_x + 400).any(|x| dark(pic.get_pixel(x, y))))
        .collect();
    // The lead's own lines: the rows of ink that start within the bar's reach.
    let mut last = bar_top;
    for y in text_rows {
        if y <= last + 16 {
            last = last.max(y);
        }
    }
    assert!(bar_bottom + 2 >= last, "the bar ends at {bar_bottom}, the lead's text at {last}");
}
