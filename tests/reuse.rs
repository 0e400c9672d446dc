//! Layout reuse across a city's languages: a report shows mostly the same parts as the city's
//! report in the default language (the parts not translated), and Typst lays out again only
//! what its memoisation cannot reuse. Counted with Typst's own timer, which records an event
//! for each paragraph laid out (`prepare`) and each module evaluated (`eval`), and none for a
//! memoised call that hits.
//!
//! A test binary of its own, with one test: the timer records every thread of the process, so
//! no other test may typeset beside it.

use cityreport::Project;
use cityreport::typeset::world::ReportWorld;

/// The paragraphs Typst lays out and the modules it evaluates to typeset `world`.
fn work(world: &ReportWorld) -> (usize, usize) {
    typst_timing::clear();
    typst_timing::enable();
    let typeset = cityreport::typeset::render::typeset(world);
    typst_timing::disable();
    assert!(typeset.is_ok(), "the report does not typeset");
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).expect("timing events");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).expect("timing JSON");
    let count = |name: &str| events.iter().filter(|e| e["name"] == name && e["ph"] == "B").count();
    (count("prepare"), count("eval"))
}

#[test]
fn a_report_in_another_language_lays_out_again_at_most_half_the_paragraphs() {
    let project =
        Project::open(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the repository is a project");
    let city = project.city("milan").expect("Milan");
    let world = |lang: &str| {
        let report = project.report(&city, lang, cityreport::Output::WEB).unwrap();
        let today = cityreport::typeset::render::today(&report).unwrap();
        ReportWorld::new(project.shared().clone(), report.files(&[]), today)
    };
    let (cold, modules) = work(&world("en"));
    assert!(cold > 250, "Milan-en, cold: {cold} paragraphs laid out, expected all of them (> 250)");
    // Milan-it shows Milan-en's parts (none is translated) under Italian chrome; its header,
    // footer, contents, cover and fallback notes must be laid out, its prose not. (With the
    // footnote entries laid out as inline text, 201 of 339; before layout reuse, all.)
    let (it, evaluated) = work(&world("it"));
    assert!(
        it * 2 <= cold,
        "Milan-it after Milan-en: {it} paragraphs laid out again of {cold}, expected at most half"
    );
    // Only the entry reads the report's data; the other modules read the output's fields from
    // /output.json, the same for both reports (all 32 were evaluated again when theme.typ read
    // /report.json).
    assert!(modules > 20, "Milan-en, cold: {modules} modules evaluated, expected all of them");
    assert!(
        evaluated <= 4,
        "Milan-it after Milan-en: {evaluated} modules evaluated again, expected the entry's few"
    );
    // The same report again: nothing laid out again.
    let (again, _) = work(&world("it"));
    assert_eq!(again, 0, "Milan-it a second time: {again} paragraphs laid out again");

    // Milan-it again with a place to start a new page (what the check of the pages adds when a
    // paragraph leaves a line alone): the parts receive their breaks as arguments, so no module
    // is evaluated again (all 32 were when the breaks were in /output.json).
    let report = project.report(&city, "it", cityreport::Output::WEB).unwrap();
    let broken = ReportWorld::new(
        project.shared().clone(),
        report.files(&["milan/3".into()]),
        cityreport::typeset::render::today(&report).unwrap(),
    );
    let (_, evaluated) = work(&broken);
    assert!(
        evaluated <= 4,
        "Milan-it with a break after Milan-it: {evaluated} modules evaluated again, expected the entry's few"
    );

    // One letter changed in the text of Milan-en's last footnote: that note is laid out again
    // (and a few lines of the contents, which Typst builds again in its second pass), not every
    // paragraph citing a note. (With the notes' texts in the footnotes, Typst's footnote counter,
    // which lists all footnotes, changed with it: 28 paragraphs.)
    let mut report = project.report(&city, "en", cityreport::Output::WEB).unwrap();
    let last = report.notes.last_mut().expect("Milan-en has footnotes");
    let text = first_text(&mut last.content).expect("Milan-en's last note has text");
    let letter = if text.starts_with('X') { "Y" } else { "X" };
    text.replace_range(..1, letter);
    let edited = ReportWorld::new(
        project.shared().clone(),
        report.files(&[]),
        cityreport::typeset::render::today(&report).unwrap(),
    );
    work(&world("en"));
    let (note, _) = work(&edited);
    assert!(
        (1..=6).contains(&note),
        "Milan-en with its last footnote edited: {note} paragraphs laid out again, expected the note's"
    );
}

/// The first text of `inlines`, inside links and emphasis too.
fn first_text(inlines: &mut [cityreport::data::markdown::Inline]) -> Option<&mut String> {
    use cityreport::data::markdown::Inline;
    inlines.iter_mut().find_map(|i| match i {
        Inline::Text { text } => Some(text),
        Inline::Link { content, .. } | Inline::Emph { content } | Inline::Strong { content } => {
            first_text(content)
        }
        _ => None,
    })
}
