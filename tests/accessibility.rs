//! Accessible and archival PDFs, read back independently of Typst: the web file declares
//! PDF/UA-1 and a screen reader meets every part in its role and order (headings, the
//! takeaways and key figures as lists, the pull quote, footnotes linked to their notes, links
//! described, decoration as artifacts, nothing untagged); the archive file is PDF/A-2a as well;
//! each language's quotation marks; the Greek cover's heavy face; no heading ends a page and
//! no paragraph leaves a single line alone on a page.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::common::tagged::{Element, Node, Tagged, lines_per_page};
use crate::common::*;

const LANGS: &[&str] = &["en", "de", "fr", "pl", "it", "es", "el"];

/// Milan's web and archive files in every language, made once for this test binary.
fn pdfs() -> &'static HashMap<String, Pdf> {
    static PDFS: OnceLock<HashMap<String, Pdf>> = OnceLock::new();
    PDFS.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().to_str().unwrap();
        must_succeed(&run(&repo(), &["build", "--city", "milan", "-o", dir]));
        must_succeed(&run(&repo(), &["build", "--city", "milan", "--profile", "archive", "-o", dir]));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
        let archived: Vec<&str> = manifest["reports"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["profile"] == "archive")
            .map(|e| e["file"].as_str().unwrap())
            .collect();
        assert_eq!(archived.len(), LANGS.len(), "{manifest:#}");
        let mut pdfs = HashMap::new();
        for lang in LANGS {
            let archive = format!("milan-{lang}-archive.pdf");
            assert!(archived.contains(&archive.as_str()), "{archive} is not in the manifest: {archived:?}");
            for name in [format!("milan-{lang}.pdf"), archive] {
                pdfs.insert(name.clone(), Pdf::new(std::fs::read(out.path().join(&name)).unwrap()));
            }
        }
        pdfs
    })
}

fn web(lang: &str) -> &'static Pdf {
    &pdfs()[&format!("milan-{lang}.pdf")]
}

fn archive(lang: &str) -> &'static Pdf {
    &pdfs()[&format!("milan-{lang}-archive.pdf")]
}

fn children(e: &Element) -> Vec<&Element> {
    e.children
        .iter()
        .filter_map(|c| match c {
            Node::Element(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn heading_level(role: &str) -> Option<usize> {
    role.strip_prefix('H').and_then(|n| n.parse().ok())
}

/// What the tagged PDF must be for a screen reader, in any language and profile.
#[track_caller]
fn assert_accessible(pdf: &Pdf, name: &str) {
    let tagged = pdf.tagged();
    let tree = tagged.outline();
    assert!(tagged.untagged.is_empty(), "{name}: content outside tags and artifacts: {:?}", tagged.untagged);
    assert!(tagged.unclaimed.is_empty(), "{name}: marked content no element claims: {:?}", tagged.unclaimed);
    assert!(pdf.display_doc_title(), "{name}: the viewer shows the file name, not the title");
    assert!(pdf.info("Title").is_some_and(|t| !t.is_empty()), "{name}: no title");

    // Headings in order, no level skipped.
    let mut previous = 0;
    let mut levels = Vec::new();
    for e in tagged.elements() {
        if let Some(level) = heading_level(&e.role) {
            assert!(level <= previous + 1, "{name}: H{previous} is followed by H{level}\n{tree}");
            assert!(
                e.title.as_ref().is_some_and(|t| !t.trim().is_empty()),
                "{name}: untitled heading\n{tree}"
            );
            previous = level;
            levels.push(level);
        }
    }
    for level in 1..=3 {
        assert!(levels.contains(&level), "{name}: no H{level}\n{tree}");
    }

    // The top-level headings after the contents are the bookmarks, in order.
    let h1: Vec<String> = tagged
        .elements()
        .iter()
        .filter(|e| e.role == "H1")
        .skip(1)
        .map(|e| e.title.clone().unwrap())
        .collect();
    let bookmarks: Vec<String> =
        pdf.bookmark_tree().into_iter().filter(|(depth, ..)| *depth == 1).map(|(_, t, _)| t).collect();
    // A bookmark is the heading's number and title.
    assert_eq!(h1.len(), bookmarks.len(), "{name}: {h1:?} {bookmarks:?}");
    for (i, (h, b)) in h1.iter().zip(&bookmarks).enumerate() {
        assert_eq!(*b, format!("{} {h}", i + 1), "{name}");
    }

    // Lists are lists: every item has a label and a body.
    let lists: Vec<&Element> = tagged.elements().into_iter().filter(|e| e.role == "L").collect();
    for list in &lists {
        for item in children(list) {
            let roles: Vec<&str> = children(item).iter().map(|c| c.role.as_str()).collect();
            assert!(item.role == "LI" || item.role == "L", "{name}: {} in a list\n{tree}", item.role);
            if item.role == "LI" {
                assert!(roles.contains(&"LBody"), "{name}: list item without a body: {roles:?}\n{tree}");
            }
        }
    }

    // Footnotes: each note follows the marker that links to it, and carries its own link back.
    let mut notes = 0;
    for e in tagged.elements() {
        let kids = children(e);
        for (i, kid) in kids.iter().enumerate() {
            if kid.role != "Note" {
                continue;
            }
            notes += 1;
            let marker = i.checked_sub(1).map(|j| kids[j]);
            assert!(
                marker.is_some_and(|m| m.role == "Lbl" && children(m).iter().any(|c| c.role == "Link")),
                "{name}: a note without its marker before it\n{tree}"
            );
        }
    }
    assert!(notes > 20, "{name}: {notes} notes\n{tree}");

    // Every link says where it goes.
    let links = pdf.link_annotations();
    assert!(links.len() > notes, "{name}: {} link annotations", links.len());
    for (page, uri, contents) in &links {
        let contents = contents.as_deref().unwrap_or_default();
        assert!(!contents.trim().is_empty(), "{name}: a link on page {} without a description", page + 1);
        if let Some(uri) = uri {
            assert_eq!(contents, uri, "{name}: page {}", page + 1);
        }
    }
}

/// The abstract's parts in reading order: the takeaways list, the pull quote, the key-figures
/// list, read from the tree.
fn abstract_parts(tagged: &Tagged) -> (Element, Element, Element) {
    let top: Vec<&Element> = tagged.roots.iter().flat_map(children).collect();
    let start =
        top.iter().filter(|e| e.role == "H1").nth(1).map(|h| top.iter().position(|e| std::ptr::eq(*e, *h)));
    let start = start.flatten().expect("a first section");
    let end = top[start + 1..].iter().position(|e| e.role == "H1").map_or(top.len(), |i| start + 1 + i);
    let part = &top[start..end];
    let lists: Vec<&&Element> = part.iter().filter(|e| e.role == "L").collect();
    let quote = part.iter().find(|e| e.role == "BlockQuote").expect("a block quote in the abstract");
    assert_eq!(lists.len(), 2, "the abstract's lists: takeaways and key figures\n{}", tagged.outline());
    ((*lists[0]).clone(), (*quote).clone(), (*lists[1]).clone())
}

#[test]
fn the_web_file_is_pdf_ua_1() {
    let pdf = web("de");
    assert_eq!(pdf.xmp_value("pdfuaid:part").as_deref(), Some("1"), "{:?}", pdf.xmp());
    assert_eq!(pdf.xmp_value("pdfaid:part"), None);
    assert_eq!(pdf.lang().as_deref(), Some("de-DE"));
    assert_accessible(pdf, "milan-de.pdf");
}

#[test]
fn a_screen_reader_meets_the_abstract_in_its_roles() {
    let tagged = web("de").tagged();
    let tree = tagged.outline();
    let (takeaways, quote, figures) = abstract_parts(&tagged);
    // Two takeaways: each item's label is its number, as text (not a picture).
    let items = children(&takeaways);
    assert_eq!(items.len(), 2, "{tree}");
    for (i, item) in items.iter().enumerate() {
        let roles: Vec<&str> = children(item).iter().map(|c| c.role.as_str()).collect();
        assert_eq!(roles, ["Lbl", "LBody"], "{tree}");
        assert_eq!(children(item)[0].text(&tagged), (i + 1).to_string(), "{tree}");
    }
    assert!(children(items[0])[1].text(&tagged).starts_with("Mailand ist ein Beispiel"), "{tree}");
    // The quote and its attribution inside one block quote.
    assert_eq!(children(&quote).iter().map(|c| c.role.as_str()).collect::<Vec<_>>(), ["P", "P"], "{tree}");
    let said = children(&quote)[0].text(&tagged);
    assert!(said.starts_with("„Mailand ist eine Gemeinschaft") && said.ends_with("hat.“"), "{said:?}");
    assert_eq!(children(&quote)[1].text(&tagged), "— Giuseppe Sala, Bürgermeister von Mailand");
    // Three key figures, each a label and its value; the location fell back to English and
    // is marked so.
    let items = children(&figures);
    assert_eq!(items.len(), 3, "{tree}");
    let labels = ["EINWOHNER:INNEN", "LAGE/REGION", "BÜRGERMEISTER:IN"];
    for (item, label) in items.iter().zip(labels) {
        let roles: Vec<&str> = children(item).iter().map(|c| c.role.as_str()).collect();
        assert_eq!(roles, ["Lbl", "LBody"], "{tree}");
        assert_eq!(children(item)[0].text(&tagged), label, "{tree}");
    }
    assert_eq!(children(items[0])[1].text(&tagged), "1.398.765");
    assert_eq!(items[1].lang.as_deref(), Some("en-GB"), "{tree}");
    // The fallback mark is a paragraph of its own, in German.
    let note = children(children(items[1])[1]).into_iter().find(|e| e.lang.as_deref() == Some("de-DE"));
    assert_eq!(note.map(|n| n.text(&tagged)).as_deref(), Some("ENGLISCH"), "{tree}");
    // The contents reads each marked title with a space before its mark.
    assert!(tree.replace('\u{a0}', " ").contains("Local background and context ENGLISCH"), "{tree}");
}

#[test]
fn every_language_is_accessible_and_headings_are_titled() {
    for lang in LANGS {
        assert_accessible(web(lang), &format!("milan-{lang}.pdf"));
    }
    let tagged = web("en").tagged();
    let titles: Vec<String> = tagged
        .elements()
        .iter()
        .filter(|e| e.role.starts_with('H'))
        .filter_map(|e| e.title.as_ref().map(|t| t.replace('\u{a0}', " ")))
        .collect();
    assert!(titles.iter().any(|t| t == "Abstract and Takeaways"), "{titles:?}");
    assert!(titles.iter().any(|t| t == "What is unique about the city?"), "{titles:?}");
}

#[test]
fn the_archive_file_is_pdf_a_2a_and_pdf_ua_1() {
    for lang in LANGS {
        let (a, w) = (archive(lang), web(lang));
        assert_eq!(a.xmp_value("pdfaid:part").as_deref(), Some("2"), "{lang}");
        assert_eq!(a.xmp_value("pdfaid:conformance").as_deref(), Some("A"), "{lang}");
        assert_eq!(a.xmp_value("pdfuaid:part").as_deref(), Some("1"), "{lang}");
        // An output intent gives the colours a meaning decades from now.
        let catalog = a.doc.catalog().unwrap();
        let intents = catalog.get(b"OutputIntents").and_then(|i| a.doc.dereference(i)).unwrap().1;
        assert!(!intents.as_array().unwrap().is_empty(), "{lang}: no output intent");
        // The document's date is the data's, not the clock's.
        assert_eq!(a.info("CreationDate"), w.info("CreationDate"), "{lang}");
        assert!(
            a.info("CreationDate").unwrap().starts_with("D:2023"),
            "{lang}: {:?}",
            a.info("CreationDate")
        );
        // Same pages, same words, same structure as the web file.
        assert_eq!(a.pages, w.pages, "{lang}");
        assert_eq!(a.tagged().roles(), w.tagged().roles(), "{lang}");
        assert_accessible(a, &format!("milan-{lang}-archive.pdf"));
    }
}

#[test]
fn the_archive_profile_goes_with_a4_only() {
    let out = tempfile::tempdir().unwrap();
    let o = run(
        &repo(),
        &[
            "build",
            "--city",
            "milan",
            "--profile",
            "archive",
            "--paper",
            "a5",
            "-o",
            out.path().to_str().unwrap(),
        ],
    );
    let stderr = must_fail(&o);
    assert!(stderr.contains("archive profile is A4"), "{stderr}");
}

/// Where a heading is the last thing on its page, or a paragraph has a single line alone at
/// the top or the foot of a page: read from where each tagged paragraph's lines are.
fn lonely_lines(pdf: &Pdf, name: &str) -> Vec<String> {
    let tagged = pdf.tagged();
    let leaves = tagged.leaves();
    let mut problems = Vec::new();
    for e in tagged.elements() {
        if heading_level(&e.role).is_some() {
            let own = e.contents(&|_| false);
            let last = own.last().expect("a heading has content");
            let at = leaves.iter().position(|k| k == last).unwrap();
            // The next content that shows text.
            let next = leaves[at + 1..]
                .iter()
                .find(|k| tagged.marked.get(k).is_some_and(|m| !m.baselines.is_empty()));
            if next.is_some_and(|next| next.0 != last.0) {
                problems.push(format!("{name}: heading {:?} ends page {}", e.title, last.0 + 1));
            }
        }
        if e.role == "P" {
            let lines = lines_per_page(&tagged, &e.contents(&|c| c.role == "Note"), 4.0);
            if lines.len() < 2 {
                continue;
            }
            let (first, last) = (lines.first_key_value().unwrap(), lines.last_key_value().unwrap());
            if *first.1 < 2 {
                problems
                    .push(format!("{name}: a paragraph leaves one line at the foot of page {}", first.0 + 1));
            }
            // A last line alone at the top is kept when the paragraph had more than four lines
            // on the page before: starting it on the next page would leave them empty.
            let before = lines.range(..last.0).next_back().map_or(0, |(_, n)| *n);
            if *last.1 < 2 && before <= 4 {
                problems
                    .push(format!("{name}: a paragraph leaves one line at the top of page {}", last.0 + 1));
            }
        }
    }
    problems
}

#[test]
fn no_heading_ends_a_page_and_no_line_is_left_alone() {
    let mut problems = Vec::new();
    for lang in LANGS {
        problems.extend(lonely_lines(web(lang), &format!("milan-{lang}.pdf")));
    }
    // A5 print pages break in other places.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    must_succeed(&run(
        &repo(),
        &["build", "--city", "milan", "--profile", "print", "--paper", "a5", "-o", dir],
    ));
    for lang in LANGS {
        let name = format!("milan-{lang}-print-a5.pdf");
        problems.extend(lonely_lines(&Pdf::new(std::fs::read(out.path().join(&name)).unwrap()), &name));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same sentence in four languages: straight quotes typed in the data print as each
/// language's quotation marks, code keeps what was typed, a link's address stays exact.
#[test]
fn straight_quotes_print_as_each_languages_quotation_marks() {
    let project = project_from("tiny");
    let cities = project.path().join("data/cities/tiny");
    // English, the default language, has every part; the others the tagline and the abstract.
    let prose = |lang: &str, heading: &str| {
        let parts = if lang == "en" {
            "takeaways = [\"One.\"]\n[quote]\ntext = \"Hi.\"\nattribution = \"Ann\"\n\
             [figures]\nlocation = \"Hills.\"\n"
        } else {
            ""
        };
        format!(
            "+++\ntagline = \"The \\\"open\\\" town\"\n{parts}+++\n\n# {heading} {{#abstract}}\n\n\
             She said \"come in\" and 'stay', it's ours. Code: `say \"hi\" 'x'`. \
             See <https://example.org/it's>.\n"
        )
    };
    for (lang, heading) in
        [("en", "Abstract"), ("de", "Zusammenfassung"), ("fr", "Résumé"), ("pl", "Streszczenie")]
    {
        std::fs::write(cities.join(format!("{lang}.md")), prose(lang, heading)).unwrap();
    }
    let expected = [
        ("en", "“come in”", "‘stay’", "The “open” town"),
        ("de", "„come in“", "‚stay‘", "The „open“ town"),
        ("fr", "«\u{202f}come in\u{202f}»", "“stay”", "The «\u{202f}open\u{202f}» town"),
        ("pl", "„come in”", "’stay’", "The „open” town"),
    ];
    for (lang, double, single, tagline) in expected {
        let pdf = Pdf::new(render(project.path(), "tiny", lang));
        // The extraction puts spaces around quotation marks where it likes (and shows the
        // narrow no-break space inside French guillemets as a space): compare without them.
        for needle in [double, single, "it’s ours", tagline, "say \"hi\" 'x'", "https://example.org/it's"] {
            assert!(pdf.has(needle), "{lang}: no {needle:?} in\n{}", pdf.text());
        }
        for straight in ["\"come", "'stay", "it's ours", "\"open"] {
            assert!(!pdf.has(straight), "{lang}: {straight:?} kept its straight quote");
        }
        assert!(pdf.link_uris().iter().any(|u| u == "https://example.org/it's"), "{lang}");
    }
}

#[test]
fn the_greek_cover_is_set_in_a_face_as_heavy_as_rubik_black() {
    let en = web("en").page_fonts(0);
    assert!(en.iter().any(|f| f.ends_with("Rubik-Black")), "{en:?}");
    let el = web("el").page_fonts(0);
    assert!(el.iter().any(|f| f.ends_with("NotoSans-Black")), "the Greek cover title: {el:?}");
    // The Greek headings are bold, not regular: the contents page's title (Περιεχόμενα) is the
    // only Greek on it, and the English contents page has no Noto Sans Bold.
    let el2 = web("el").page_fonts(1);
    assert!(el2.iter().any(|f| f.ends_with("NotoSans-Bold")), "{el2:?}");
    let en2 = web("en").page_fonts(1);
    assert!(!en2.iter().any(|f| f.ends_with("NotoSans-Bold")), "{en2:?}");
}

/// Synthetic cities (shaped like Milan, with other page breaks): no lonely line in any report
/// nor in a bundle of them, and the bundle is PDF/UA-1 too.
#[test]
fn synthetic_reports_and_a_bundle_leave_no_line_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    must_succeed(&run(&repo(), &["synth", root, "--cities", "2", "--langs", "en,de,fr"]));
    let out = dir.path().join("out");
    must_succeed(&run(dir.path(), &["build", "-o", out.to_str().unwrap()]));
    let bundle = out.join("bundle-de.pdf");
    must_succeed(&run(
        dir.path(),
        &["bundle", "--city", "synth-001,synth-002", "--lang", "de", "-o", bundle.to_str().unwrap()],
    ));
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            problems.extend(lonely_lines(&Pdf::new(std::fs::read(&path).unwrap()), &name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let pdf = Pdf::new(std::fs::read(&bundle).unwrap());
    assert_eq!(pdf.xmp_value("pdfuaid:part").as_deref(), Some("1"));
    let tagged = pdf.tagged();
    assert!(tagged.untagged.is_empty(), "{:?}", tagged.untagged);
}

/// Prints the structure tree of milan-de as a screen reader reads it (role, language, title,
/// text): `cargo test --release structure_of_milan_de -- --ignored --nocapture`.
#[test]
#[ignore = "prints, for reading"]
fn structure_of_milan_de() {
    println!("{}", web("de").tagged().outline());
}
