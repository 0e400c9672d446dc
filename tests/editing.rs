//! What editors and the web team use beside the PDFs: the covers' pictures for the website.

use crate::common::*;

/// `build --thumbnails` writes a picture of each cover next to its PDF: a PNG 480 pixels wide
/// (or as asked), listed in the manifest, the same bytes on every build.
#[test]
fn thumbnails_are_pictures_of_the_covers() {
    let project = project_from("tiny");
    let (a, b) = (project.path().join("a"), project.path().join("b"));
    must_succeed(&run(project.path(), &["build", "--thumbnails", "-o", a.to_str().unwrap()]));
    must_succeed(&run(project.path(), &["build", "--thumbnails", "-o", b.to_str().unwrap()]));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["reports"].as_array().unwrap();
    assert!(entries.len() >= 2, "{manifest:#}");
    for entry in entries {
        let pdf = entry["file"].as_str().unwrap();
        let png = entry["thumbnail"].as_str().unwrap_or_else(|| panic!("no thumbnail for {pdf}"));
        assert_eq!(png, pdf.replace(".pdf", ".png"));
        let bytes = std::fs::read(a.join(png)).unwrap();
        assert_eq!(bytes, std::fs::read(b.join(png)).unwrap(), "{png} differs between two builds");
        let picture = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap().to_rgb8();
        // A4's proportions at 480 pixels.
        assert_eq!((picture.width(), picture.height()), (480, 679), "{png}");
        // The cover: the black band at the foot, the yellow diamond at the top right, white
        // paper at the top left.
        assert_eq!(picture.get_pixel(240, 670).0, [0, 0, 0], "{png}: no band");
        let yellow = picture.get_pixel(470, 10).0;
        assert!(yellow[0] > 200 && yellow[1] > 200 && yellow[2] < 80, "{png}: no diamond: {yellow:?}");
        assert_eq!(picture.get_pixel(5, 5).0, [255, 255, 255], "{png}");
        assert!(bytes.len() < 40_000, "{png}: {} bytes", bytes.len());
    }
    // Another width is another picture; without the flag the manifest has none.
    let c = project.path().join("c");
    must_succeed(&run(project.path(), &["build", "--thumbnails", "240", "-o", c.to_str().unwrap()]));
    let small = image::open(c.join("tiny-en.png")).unwrap();
    assert_eq!((small.width(), small.height()), (240, 339));
    must_succeed(&run(project.path(), &["build", "-o", c.to_str().unwrap()]));
    let manifest = std::fs::read_to_string(c.join("manifest.json")).unwrap();
    assert!(!manifest.contains("thumbnail"), "{manifest}");
}

/// `new` starts a city with every field and section; `check` passes and warns once for each
/// `TODO:` until it is written; a city that exists or a slug that is not one is refused, and
/// nothing is written.
#[test]
fn a_new_city_is_a_checked_skeleton_to_fill_in() {
    let project = project_from("tiny");
    let root = project.path();
    let o = run(root, &["new", "gdansk", "--name", "Gdańsk", "--country", "Poland", "--date", "2024-05-01"]);
    must_succeed(&o);
    let dir = root.join("data/cities/gdansk");
    let facts = std::fs::read_to_string(dir.join("city.toml")).unwrap();
    let text = std::fs::read_to_string(dir.join("en.md")).unwrap();
    assert!(facts.contains("name = { en = \"Gdańsk\" }") && facts.contains("report_year = 2024"), "{facts}");
    for part in ["tagline", "takeaways", "[quote]", "[figures]", "{#abstract}", "{#update}", "[^1]:"] {
        assert!(text.contains(part), "en.md lacks {part}");
    }
    let todos = facts.matches("TODO:").count() + text.matches("TODO:").count();

    let o = run(root, &["check", "gdansk"]);
    let stderr = must_succeed_with_stderr(&o);
    assert_eq!(stderr.matches("warning: still to be written").count(), todos, "{stderr}");
    assert!(stderr.contains("data/cities/gdansk/en.md:"), "{stderr}");
    assert!(stderr.contains("checked 1 city: no errors"), "{stderr}");

    // Refused: an existing city, a name for a slug. Nothing changes.
    let stderr = must_fail(&run(root, &["new", "gdansk", "--name", "Other"]));
    assert!(stderr.contains("exists already"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("city.toml")).unwrap(), facts);
    let stderr = must_fail(&run(root, &["new", "Gdańsk", "--name", "Gdańsk"]));
    assert!(stderr.contains("is not a slug"), "{stderr}");
    let cities: Vec<_> =
        std::fs::read_dir(root.join("data/cities")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(cities.len(), 2, "{cities:?}");

    // Filled in: no warning left, and the report is made.
    let filled = |s: &str| s.replace("TODO: ", "").replace("population = 0", "population = 486022");
    std::fs::write(dir.join("city.toml"), filled(&facts)).unwrap();
    std::fs::write(dir.join("en.md"), filled(&text)).unwrap();
    let stderr = must_succeed_with_stderr(&run(root, &["check", "gdansk"]));
    assert!(!stderr.contains("warning"), "{stderr}");
    let pdf = Pdf::new(render(root, "gdansk", "en"));
    pdf.assert_has("Gdańsk");
    pdf.assert_has("486,022");
    pdf.assert_has("the first key takeaway");
}

fn must_succeed_with_stderr(out: &std::process::Output) -> String {
    must_succeed(out);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `watch` renders, renders again after each save, keeps the last good PDF after a broken edit
/// (and says why), and stops cleanly on Ctrl-C (SIGINT).
#[test]
fn watch_renders_after_every_save_and_keeps_the_last_good_pdf() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let project = project_from("tiny");
    let root = project.path();
    let out = root.join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .args([
            "--root",
            root.to_str().unwrap(),
            "watch",
            "tiny",
            "--lang",
            "en",
            "-o",
            out.to_str().unwrap(),
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Waits for a line containing `needle`, returning what came before it too.
    let wait = |needle: &str| -> String {
        let mut seen = String::new();
        loop {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no {needle:?} in:\n{seen}"));
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(needle) {
                return seen;
            }
        }
    };
    let pdf = out.join("tiny-en.pdf");
    wait("rendered");
    Pdf::new(std::fs::read(&pdf).unwrap()).assert_has("Body text of the background.");

    let en = root.join("data/cities/tiny/en.md");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, text.replace("Body text of the background.", "Edited while watching.")).unwrap();
    wait("rendered");
    let good = std::fs::read(&pdf).unwrap();
    Pdf::new(good.clone()).assert_has("Edited while watching.");

    // A footnote cited but not defined: a located error, and the PDF stays as it was.
    std::fs::write(&en, text.replace("Body text of the background.", "Broken.[^9]")).unwrap();
    let said = wait("not rendered");
    assert!(said.contains("footnote `[^9]` is cited but not defined") && said.contains("en.md:"), "{said}");
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    std::fs::write(&en, text.replace("Body text of the background.", "Fixed again.")).unwrap();
    wait("rendered");
    Pdf::new(std::fs::read(&pdf).unwrap()).assert_has("Fixed again.");

    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    wait("stopped watching");
    assert!(child.wait().unwrap().success());
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().contains(".tmp")), "{left:?}");
}

/// `translate` fills a translation with the default language's text of every part it lacks,
/// marked `to_translate`, and records what each part translates; an edit of the English text
/// makes exactly the matching German part outdated (check, build, manifest, the PDF's note);
/// `translate` then offers it again; running it twice changes nothing.
#[test]
fn translations_know_when_they_are_outdated() {
    let project = project_from("tiny");
    let root = project.path();
    let de = root.join("data/cities/tiny/de.md");
    let en = root.join("data/cities/tiny/en.md");
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    let o = run(root, &["translate", "tiny", "--to", "de"]);
    must_succeed(&o);
    assert!(stderr(&o).contains("to translate (in en in the file, listed in `to_translate`): takeaways, location, background, first, update"), "{}", stderr(&o));
    let first = std::fs::read_to_string(&de).unwrap();
    assert!(first.contains("# Local background and context {#background}"), "{first}");
    assert!(first.contains("Zusammenfassung und Erkenntnisse"), "the translation is kept:\n{first}");
    assert!(
        first.contains("[^2]: <https://example.org/second>"),
        "the inserted sections bring their notes:\n{first}"
    );
    // Twice: nothing changes.
    let o = run(root, &["translate", "tiny", "--to", "de"]);
    assert!(stderr(&o).contains("unchanged: data/cities/tiny/de.md"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&de).unwrap(), first);
    // The report is as before: German where translated, English (marked) elsewhere.
    let o = run(root, &["check", "tiny"]);
    must_succeed(&o);
    assert!(
        stderr(&o).contains("tiny de: 3 of 8 parts translated; from en: takeaways, location, 2, 2.1, 3"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("outdated"), "{}", stderr(&o));

    // The English abstract changes: only the German section 1 is outdated.
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, text.replace("Tinytown is small.", "Tinytown is small and friendly.")).unwrap();
    let o = run(root, &["check", "tiny"]);
    must_succeed(&o);
    let said = stderr(&o);
    assert!(said.contains("tiny de: section 1 is outdated: en changed since it was translated"), "{said}");
    assert_eq!(said.matches("is outdated").count(), 1, "{said}");
    let out = root.join("out");
    must_succeed(&run(root, &["build", "--lang", "de", "-o", out.to_str().unwrap()]));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["reports"][0]["coverage"]["outdated"], serde_json::json!(["1"]), "{manifest:#}");
    let pdf = Pdf::new(std::fs::read(out.join("tiny-de.pdf")).unwrap());
    pdf.assert_has("Dieser Teil wurde aus einer früheren Fassung des englischen Textes übersetzt.");
    pdf.assert_has("Kleinstadt ist klein.");

    // translate offers the new English text for it; nothing is outdated any more.
    let o = run(root, &["translate", "tiny", "--to", "de"]);
    assert!(
        stderr(&o).contains(": abstract, takeaways") || stderr(&o).contains("abstract"),
        "{}",
        stderr(&o)
    );
    let second = std::fs::read_to_string(&de).unwrap();
    assert!(second.contains("Tinytown is small and friendly."), "{second}");
    assert!(!second.contains("Kleinstadt ist klein."), "{second}");
    let o = run(root, &["check", "tiny"]);
    assert!(!stderr(&o).contains("outdated"), "{}", stderr(&o));

    // The translator translates the background and takes it off the list: it counts as
    // translated, and translate keeps it.
    let translated = second
        .replace("Body text of the background.", "Text des Hintergrunds.")
        .replace("# Local background and context {#background}", "# Hintergrund {#background}")
        .replace("\"background\", ", "");
    std::fs::write(&de, &translated).unwrap();
    let o = run(root, &["check", "tiny"]);
    must_succeed(&o);
    assert!(stderr(&o).contains("tiny de: 3 of 8 parts translated"), "{}", stderr(&o));
    let o = run(root, &["translate", "tiny", "--to", "de"]);
    must_succeed(&o);
    let third = std::fs::read_to_string(&de).unwrap();
    assert!(
        third.contains("# Hintergrund {#background}") && third.contains("Text des Hintergrunds."),
        "{third}"
    );
    assert!(!third.contains("\"background\""), "{third}");
    let pdf = Pdf::new(render(root, "tiny", "de"));
    pdf.assert_has("Text des Hintergrunds.");
}
