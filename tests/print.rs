//! Print for events: the print profile (trim, bleed and slug boxes, crop marks, CMYK only,
//! pages padded to a multiple of 4, a back cover whose QR code leads to the city's page), A5
//! booklets in saddle-stitch order, and bundles of several cities — all read back from the PDFs.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

/// Millimetres in points.
fn mm(v: f32) -> f32 {
    v / 25.4 * 72.0
}

#[track_caller]
fn assert_box(actual: Option<[f32; 4]>, expected: [f32; 4], what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what} is missing"));
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < 0.05, "{what}: {actual:?}, expected {expected:?}");
    }
}

/// Renders into a fresh folder with `args` and returns the PDF `file` (and the folder, which
/// holds the pictures when `--png` was given).
fn make(root: &Path, args: &[&str], file: &str) -> (Pdf, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut all = args.to_vec();
    all.extend(["-o", out.path().to_str().unwrap()]);
    must_succeed(&run(root, &all));
    let bytes = std::fs::read(out.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    (Pdf::new(bytes), out)
}

fn milan_de_print() -> &'static (Pdf, tempfile::TempDir) {
    static PDF: OnceLock<(Pdf, tempfile::TempDir)> = OnceLock::new();
    PDF.get_or_init(|| {
        make(
            &repo(),
            &["render", "milan", "--lang", "de", "--profile", "print", "--png", "1.5"],
            "milan-de-print.pdf",
        )
    })
}

/// Every page: trim A4 (or A5), bleed 3 mm around it, media 10 mm of slug further out.
#[test]
fn print_pages_have_trim_bleed_and_media_boxes() {
    let a5 = make(
        &repo(),
        &["render", "milan", "--lang", "de", "--profile", "print", "--paper", "a5"],
        "milan-de-print-a5.pdf",
    )
    .0;
    for (pdf, (w, h)) in [(&milan_de_print().0, (210.0, 297.0)), (&a5, (148.0, 210.0))] {
        let (o, b) = (mm(13.0), mm(3.0));
        let (w, h) = (mm(w), mm(h));
        for i in 0..pdf.pages.len() {
            assert_box(
                pdf.page_box(i, "MediaBox"),
                [0.0, 0.0, w + 2.0 * o, h + 2.0 * o],
                &format!("page {} MediaBox", i + 1),
            );
            assert_box(pdf.page_box(i, "TrimBox"), [o, o, o + w, o + h], &format!("page {} TrimBox", i + 1));
            assert_box(
                pdf.page_box(i, "BleedBox"),
                [o - b, o - b, o + w + b, o + h + b],
                &format!("page {} BleedBox", i + 1),
            );
        }
    }
}

/// No RGB (nor grey) colour in any page's content or the forms it draws: every colour is set
/// with `k`/`K` (DeviceCMYK), black text is 100 % K, the rich black of the cover's and back
/// cover's bands (40/30/30/100) fills only them, and no colour but the crop marks' exceeds
/// 300 % ink.
#[test]
fn print_colours_are_cmyk_only_and_black_is_pure_k() {
    let ops = milan_de_print().0.colour_operators();
    assert!(ops.len() > 500, "too few colour operators found: {}", ops.len());
    let other: Vec<&(String, Vec<f32>)> = ops.iter().filter(|(op, _)| op != "k" && op != "K").collect();
    assert!(other.is_empty(), "colour operators other than CMYK: {:?}", &other[..other.len().min(10)]);
    let black = ops.iter().filter(|(_, v)| v[..] == [0.0, 0.0, 0.0, 1.0]).count();
    assert!(black > 100, "black text is not 100 % K ({black} uses)");
    let near = |v: &[f32], w: [f32; 4]| v.len() == 4 && v.iter().zip(w).all(|(a, b)| (a - b).abs() < 0.01);
    let rich = ops.iter().filter(|(_, v)| v.len() == 4 && v[3] >= 0.9 && v[..3].iter().any(|c| *c > 0.0));
    // The crop marks are registration colour (100/100/100/100), stroked: 8 per page; the bands,
    // filled, on the cover and the back cover.
    let marks = ops.iter().filter(|(op, v)| op == "K" && v[..] == [1.0, 1.0, 1.0, 1.0]).count();
    let bands = ops.iter().filter(|(op, v)| op == "k" && near(v, [0.4, 0.3, 0.3, 1.0])).count();
    assert!(bands >= 2, "the bands are not rich black ({bands} fills)");
    assert_eq!(rich.count(), marks + bands, "rich black used for anything but the crop marks and the bands");
    let heavy: Vec<_> =
        ops.iter().filter(|(_, v)| v[..] != [1.0, 1.0, 1.0, 1.0] && v.iter().sum::<f32>() > 3.0).collect();
    assert!(heavy.is_empty(), "more than 300 % ink: {heavy:?}");
    // The check itself sees colour operators of other kinds: the web file has them.
    let web = Pdf::new(render(&repo(), "milan", "de"));
    assert!(web.colour_operators().iter().any(|(op, _)| op != "k" && op != "K"), "the web file is all CMYK?");
}

/// Crop marks sit outside the bleed, in the slug: the page's pictures show them there.
#[test]
fn crop_marks_are_drawn_in_the_slug() {
    let (_, dir) = milan_de_print();
    let picture = image::open(dir.path().join("milan-de-print-03.png")).unwrap().to_luma8();
    // 1.5 px per point: the top-left mark runs vertically at the trim's left edge (x = 13 mm),
    // from 4 mm to 10 mm from the top; nothing of the page is drawn at the very corner.
    let px = |v: f32| (mm(v) * 1.5).round() as u32;
    let dark = |x: u32, y: u32| picture.get_pixel(x, y).0[0] < 200;
    let column = px(13.0);
    assert!(
        (px(5.0)..px(9.0)).any(|y| (column - 1..=column + 1).any(|x| dark(x, y))),
        "no vertical crop mark"
    );
    assert!((0..px(3.0)).all(|y| (0..px(3.0)).all(|x| !dark(x, y))), "ink in the outer corner of the slug");
}

/// Every page of every print kind has its crop marks at the four corners of its trim, covers
/// included (a cover that sets its own `foreground` lost them): read from the PDF as poppler
/// draws it (`pdftoppm`; the test says so and skips where it is missing).
#[test]
fn every_print_page_has_crop_marks_at_its_four_corners() {
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        eprintln!("pdftoppm (poppler-utils) is not installed: crop marks read from the Typst frames only");
        return;
    }
    let a5 = make(
        &repo(),
        &["render", "milan", "--lang", "el", "--profile", "print", "--paper", "a5"],
        "milan-el-print-a5.pdf",
    );
    let files = [
        (milan_de_print().1.path().join("milan-de-print.pdf"), 210.0, 297.0),
        (a5.1.path().join("milan-el-print-a5.pdf"), 148.0, 210.0),
    ];
    for (file, width, height) in files {
        let out = tempfile::tempdir().unwrap();
        let status = Command::new("pdftoppm")
            .args(["-r", "108", "-gray", "-png"])
            .arg(&file)
            .arg(out.path().join("p"))
            .status()
            .unwrap();
        assert!(status.success());
        let mut pictures: Vec<_> =
            std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).collect();
        pictures.sort();
        assert!(pictures.len() >= 16, "{} pages", pictures.len());
        // 1.5 px per point; the trim starts 13 mm in (10 mm slug, 3 mm bleed); each corner's
        // vertical mark runs along the trim's edge from 4 to 10 mm beyond it.
        let px = |v: f32| (mm(v) * 1.5).round() as i64;
        for (i, picture) in pictures.iter().enumerate() {
            let image = image::open(picture).unwrap().to_luma8();
            let dark = |x: i64, y: i64| image.get_pixel(x as u32, y as u32).0[0] < 200;
            for (cx, above) in [(13.0, true), (13.0 + width, true), (13.0, false), (13.0 + width, false)] {
                let (y0, y1) = if above {
                    (px(4.0), px(9.0))
                } else {
                    (px(13.0 + height + 4.0), px(13.0 + height + 9.0))
                };
                let x = px(cx);
                let found = (y0..y1).any(|y| (x - 1..=x + 1).any(|x| dark(x, y)));
                let side = if above { "top" } else { "bottom" };
                assert!(
                    found,
                    "{}: page {} has no crop mark at its {side} corner at x = {cx} mm",
                    file.display(),
                    i + 1
                );
            }
        }
    }
}

/// 16 pages (A4) and 24 (A5): whole sheets for saddle stitching; the padding is blank pages
/// before the back cover, which carries the note about the project and the city's address.
#[test]
fn print_page_count_is_a_multiple_of_four_with_blank_pages_before_the_back_cover() {
    let pdf = &milan_de_print().0;
    assert_eq!(pdf.pages.len() % 4, 0, "{} pages", pdf.pages.len());
    let last = pdf.pages.len() - 1;
    assert!(
        contains_loose(&pdf.pages[last], "Moving Cities ist ein Forschungsprojekt"),
        "{}",
        pdf.pages[last]
    );
    assert!(contains_loose(&pdf.pages[last], "moving-cities.eu/de/milan"), "{}", pdf.pages[last]);
    let closing = pdf.pages_with("Weitere Stadtreports finden Sie unter");
    assert_eq!(closing.len(), 1);
    for blank in closing[0] + 1..last {
        assert!(pdf.pages[blank].trim().is_empty(), "page {} is not blank: {}", blank + 1, pdf.pages[blank]);
    }
    // The web file is as long as its text.
    let web = Pdf::new(render(&repo(), "milan", "de"));
    assert_eq!(web.pages.len(), closing[0] + 1);
    for (lang, pages) in [("en", None), ("el", None), ("de", Some(24))] {
        let mut args = vec!["render", "milan", "--lang", lang, "--profile", "print"];
        if pages.is_some() {
            args.extend(["--paper", "a5"]);
        }
        let file = if pages.is_some() {
            format!("milan-{lang}-print-a5.pdf")
        } else {
            format!("milan-{lang}-print.pdf")
        };
        let pdf = make(&repo(), &args, &file).0;
        assert_eq!(pdf.pages.len() % 4, 0, "milan {lang}: {} pages", pdf.pages.len());
        if let Some(n) = pages {
            assert_eq!(pdf.pages.len(), n);
        }
    }
}

/// Decodes the QR code on a page picture.
fn qr_codes(png: &Path) -> Vec<String> {
    let picture = image::open(png).unwrap().to_luma8();
    let (w, h) = picture.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        picture.get_pixel(x as u32, y as u32).0[0]
    });
    prepared.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

/// The back cover's QR code leads to the city's page in the report's language; the default
/// language's page has no language prefix, as on the site.
#[test]
fn the_qr_code_on_the_back_cover_scans_to_the_citys_page() {
    let (pdf, dir) = milan_de_print();
    let last = format!("milan-de-print-{:02}.png", pdf.pages.len());
    assert_eq!(qr_codes(&dir.path().join(last)), ["https://moving-cities.eu/de/milan"]);
    let (en, dir) = make(
        &repo(),
        &["render", "milan", "--lang", "en", "--profile", "print", "--png", "1.5"],
        "milan-en-print.pdf",
    );
    let last = format!("milan-en-print-{:02}.png", en.pages.len());
    assert_eq!(qr_codes(&dir.path().join(last)), ["https://moving-cities.eu/milan"]);
}

/// The booklet: A5 pages two to a side of 296 × 210 mm sheets (A4 landscape, trimmed to two
/// A5 pages) in saddle-stitch order, each side with its own boxes; the pages stay vector.
#[test]
fn booklet_sheets_hold_the_pages_in_saddle_stitch_order() {
    let (print, _) = make(
        &repo(),
        &["render", "milan", "--lang", "de", "--profile", "print", "--paper", "a5"],
        "milan-de-print-a5.pdf",
    );
    let (pdf, _) = make(
        &repo(),
        &["render", "milan", "--lang", "de", "--profile", "print", "--booklet"],
        "milan-de-booklet.pdf",
    );
    let n = print.pages.len();
    assert_eq!(pdf.pages.len(), n / 2, "one side per two pages");
    let (o, b) = (mm(13.0), mm(3.0));
    let (w, h) = (mm(296.0), mm(210.0));
    for i in 0..pdf.pages.len() {
        assert_box(pdf.page_box(i, "TrimBox"), [o, o, o + w, o + h], &format!("side {} TrimBox", i + 1));
        assert_box(
            pdf.page_box(i, "BleedBox"),
            [o - b, o - b, o + w + b, o + h + b],
            &format!("side {} BleedBox", i + 1),
        );
    }
    // Side k draws, left then right, the pages the saddle-stitch order puts there: each half
    // is a form whose drawing is exactly that print page's.
    let source: Vec<Vec<String>> = (0..n).map(|p| print.page_operators(p)).collect();
    for i in 0..pdf.pages.len() {
        let sheet = i / 2;
        let (left, right) =
            if i % 2 == 0 { (n - 2 * sheet, 2 * sheet + 1) } else { (2 * sheet + 2, n - 2 * sheet - 1) };
        let forms = pdf.page_forms(i);
        assert_eq!(forms.len(), 2, "side {}: {} forms", i + 1, forms.len());
        assert!(forms[0].0 < forms[1].0, "side {}: the first form is not on the left", i + 1);
        let which = |ops: &Vec<String>| -> Vec<usize> {
            source.iter().enumerate().filter(|(_, s)| *s == ops).map(|(p, _)| p + 1).collect()
        };
        assert_eq!((which(&forms[0].1), which(&forms[1].1)), (vec![left], vec![right]), "side {}", i + 1);
    }
    // Vector pages: the report's text is in the sheets, and no picture stands for a page.
    assert!(pdf.has("Zusammenfassung und wichtigste Erkenntnisse"));
    assert!(pdf.xobject_subtypes().iter().all(|s| s != "Image"), "{:?}", pdf.xobject_subtypes());
}

/// A project with Milan and one synthetic city.
fn event_project() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        must_succeed(&run(&repo(), &["synth", dir.path().to_str().unwrap(), "--cities", "1"]));
        copy_dir(&repo().join("data/cities/milan"), &dir.path().join("data/cities/milan"));
        dir
    })
}

/// The bundle: a cover, a contents whose page ranges are where each city's pages are, each
/// city with its own numbering, page numbers running through, bookmarks nested per city.
#[test]
fn a_bundle_holds_each_city_with_its_own_numbering_and_a_contents_of_page_ranges() {
    let root = event_project().path();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("event-de.pdf");
    let o = run(
        root,
        &[
            "bundle",
            "--city",
            "milan,synth-001",
            "--lang",
            "de",
            "--title",
            "Gipfel der Städte",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    must_succeed(&o);
    let pdf = Pdf::new(std::fs::read(&file).unwrap());
    assert_eq!(pdf.info("Title").as_deref(), Some("Gipfel der Städte"));
    assert!(contains_loose(&pdf.pages[0], "Gipfel der Städte"), "{}", pdf.pages[0]);

    // Bookmarks: each city at the top, its sections under it, leading to its pages (a heading's
    // last two words are joined by a no-break space).
    let tree: Vec<_> =
        pdf.bookmark_tree().into_iter().map(|(d, t, p)| (d, t.replace('\u{a0}', " "), p)).collect();
    let cities: Vec<(&str, usize)> = tree
        .iter()
        .filter(|(d, ..)| *d == 1)
        .map(|(_, t, p)| (t.as_str(), p.expect("bookmark leads to a page")))
        .collect();
    assert_eq!(cities.iter().map(|c| c.0).collect::<Vec<_>>(), ["Mailand", "Synthcity 1"]);
    assert!(
        tree.iter().any(|(d, t, _)| *d == 2 && t == "1 Zusammenfassung und wichtigste Erkenntnisse"),
        "{tree:?}"
    );
    assert!(tree.iter().any(|(d, t, _)| *d == 3 && t.starts_with("3.1 ")), "{tree:?}");
    // Each city starts on its cover (its name and the cover's label).
    for (name, page) in &cities {
        assert!(
            contains_loose(&pdf.pages[*page], name) && pdf.pages[*page].contains("STADTREPORT"),
            "{name}"
        );
    }
    // The contents names the pages where each city is.
    let (milan, synth) = (cities[0].1 + 1, cities[1].1 + 1);
    // (Without the leader dots.)
    let contents = &pdf.pages[1].replace('.', "");
    assert!(contains_loose(contents, &format!("Mailand Italien {milan}–{}", synth - 1)), "{contents}");
    assert!(
        contains_loose(contents, &format!("Synthcity 1 Europe {synth}–{}", pdf.pages.len())),
        "{contents}"
    );
    // Each city's pages carry its own name in the running header (read from the metadata on
    // its cover), not the name of the city before it.
    for (page, name, other) in [(milan, "Mailand", "Synthcity"), (synth, "Synthcity 1", "Mailand")] {
        assert!(
            pdf.pages[page].contains(name) && !pdf.pages[page].contains(other),
            "page {}: {}",
            page + 1,
            pdf.pages[page]
        );
    }
    // Page numbers run through the bundle; section numbers start again with each city.
    let n = pdf.pages.len();
    assert!(pdf.pages[synth].contains(&format!("Seite {} von {n}", synth + 1)), "{}", pdf.pages[synth]);
    // Each city's sections are numbered from 1: the first bookmark under each city is "1 …",
    // and Milan's five sections are followed by the synthetic city's "1 …", not "6 …".
    for (i, (_, title, _)) in tree.iter().enumerate().filter(|(_, (d, ..))| *d == 1) {
        let child = &tree[i + 1];
        assert!(child.0 == 2 && child.1.starts_with("1 "), "{title}: first section {:?}", child.1);
    }
    assert!(!tree.iter().any(|(_, t, _)| t.starts_with("6 ")), "{tree:?}");
    // Footnotes start again at 1 in each city: the first note of each is numbered 1, not
    // counted on from the city before (Milan has 31).
    fn first_footnote(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(o) if o.get("kind").is_some_and(|k| k == "footnote") => {
                o["content"][0]["text"].as_str().map(str::to_string)
            }
            serde_json::Value::Object(o) => o.values().find_map(first_footnote),
            serde_json::Value::Array(a) => a.iter().find_map(first_footnote),
            _ => None,
        }
    }
    let first_note = |slug: &str| -> String {
        let json = run(root, &["export-data", slug, "--lang", "de"]);
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        first_footnote(&json["sections"]).expect("a footnote")
    };
    for (slug, from, to) in [("milan", milan - 1, synth - 1), ("synth-001", synth - 1, n)] {
        let note = first_note(slug);
        let pages = (from..to).filter(|&p| contains_loose(&pdf.pages[p], &format!("1{note}"))).count();
        assert_eq!(pages, 1, "{slug}'s first footnote ({note:?}) is not numbered 1 on its pages");
        assert!(!pdf.has(&format!("32{note}")), "{slug}'s footnotes are counted on");
    }
}

/// A print bundle is padded to whole sheets and ends with a back cover naming each city's page;
/// as a booklet it folds like a report.
#[test]
fn a_print_bundle_is_padded_and_folds_as_a_booklet() {
    let root = event_project().path();
    let out = tempfile::tempdir().unwrap();
    let bundle = |file: &str, more: &[&str]| {
        let path = out.path().join(file);
        let mut args = vec!["bundle", "--city", "synth-001,milan", "--lang", "en", "--profile", "print"];
        args.extend(more);
        args.extend(["-o", path.to_str().unwrap()]);
        must_succeed(&run(root, &args));
        path
    };
    let print = bundle("event.pdf", &[]);
    let pdf = Pdf::new(std::fs::read(&print).unwrap());
    assert_eq!(pdf.pages.len() % 4, 0);
    let last = pdf.pages.last().unwrap();
    assert!(
        contains_loose(last, "moving-cities.eu/milan") && contains_loose(last, "moving-cities.eu/synth-001"),
        "{last}"
    );
    assert!(pdf.colour_operators().iter().all(|(op, _)| op == "k" || op == "K"));
    let booklet = bundle("event-booklet.pdf", &["--booklet"]);
    let sheets = Pdf::new(std::fs::read(&booklet).unwrap());
    // Whole sheets of A5 pages, each side with its two pages.
    assert_eq!(sheets.pages.len() % 2, 0, "{} sides", sheets.pages.len());
    assert!((0..sheets.pages.len()).all(|i| sheets.page_forms(i).len() == 2));
    assert!(sheets.colour_operators().iter().all(|(op, _)| op == "k" || op == "K"));
}

/// Unknown cities or languages, or flags that do not go together: a clear error, nothing
/// written.
#[test]
fn a_bundle_or_print_request_that_cannot_be_made_writes_nothing() {
    let root = event_project().path();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("event.pdf");
    let f = file.to_str().unwrap();
    for (args, says) in [
        (vec!["bundle", "--city", "milan,atlantis", "--lang", "de", "-o", f], "there is no city `atlantis`"),
        (vec!["bundle", "--city", "milan", "--lang", "xx", "-o", f], "unknown language `xx`"),
        (vec!["bundle", "--city", "milan,milan", "--lang", "de", "-o", f], "`milan` is named twice"),
        (
            vec!["bundle", "--city", "milan", "--lang", "de", "--booklet", "-o", f],
            "--booklet makes a print file",
        ),
        (
            vec!["render", "milan", "--lang", "de", "--paper", "a5", "-o", out.path().to_str().unwrap()],
            "a paper size is for --profile print",
        ),
        (
            vec!["render", "milan", "--lang", "de", "--profile", "print", "--paper", "a4", "--booklet"],
            "use --paper a5",
        ),
    ] {
        let stderr = must_fail(&run(root, &args));
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "something was written");
}

/// The manifest lists print files and booklets beside the web files, each with its profile;
/// every kind of file (profile × paper × booklet) has a name of its own, so an A5 build does not
/// replace the A4 file.
#[test]
fn the_manifest_lists_each_file_with_its_profile() {
    let root = event_project().path();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    must_succeed(&run(root, &["build", "--city", "milan", "--lang", "de", "-o", o]));
    must_succeed(&run(root, &["build", "--city", "milan", "--lang", "de", "--profile", "print", "-o", o]));
    let print = ["build", "--city", "milan", "--lang", "de", "--profile", "print"];
    must_succeed(&run(root, &[&print[..], &["--paper", "a5", "-o", o]].concat()));
    must_succeed(&run(root, &[&print[..], &["--booklet", "-o", o]].concat()));
    must_succeed(&run(root, &["build", "--city", "milan", "--lang", "de", "--profile", "archive", "-o", o]));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    let entries: Vec<(String, String, Option<String>, bool)> = manifest["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["profile"].as_str().unwrap().to_string(),
                e["paper"].as_str().map(str::to_string),
                e["booklet"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("milan-de-archive.pdf".into(), "archive".into(), None, false),
            ("milan-de-booklet.pdf".into(), "print".into(), Some("a5".into()), true),
            ("milan-de-print-a5.pdf".into(), "print".into(), Some("a5".into()), false),
            ("milan-de-print.pdf".into(), "print".into(), Some("a4".into()), false),
            ("milan-de.pdf".into(), "web".into(), None, false),
        ]
    );
    // The profile is part of the inputs: a print build does not skip the web file's work, and
    // a second print build skips its own.
    let again = run(root, &["build", "--city", "milan", "--lang", "de", "--profile", "print", "-o", o]);
    must_succeed(&again);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 built, 1 unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // export-data shows the templates the print variant.
    let json = run(root, &["export-data", "milan", "--lang", "de", "--profile", "print", "--paper", "a5"]);
    must_succeed(&json);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        json["output"],
        serde_json::json!({"profile": "print", "paper": "a5", "bleed": 3.0, "slug": 10.0})
    );
    assert_eq!(json["page_url"], "https://moving-cities.eu/de/milan");
    assert!(json["qr"].as_array().is_some_and(|rows| rows.len() >= 21));
}
