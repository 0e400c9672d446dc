//! Hostile and odd input, each class found by a tester (issue 30): special files where a data
//! file is expected, a closed pipe, flags without bounds, escapes that stand for characters no
//! PDF may hold, and messages in the editor's words.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `cityreport` and kills it after `limit`: a hang is a failure, not a stuck test.
fn run_within(root: &Path, args: &[&str], limit: Duration) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CITYREPORT_ROOT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("cityreport {args:?} still ran after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success())
}

/// A folder named `en.md` (the default language) or `de.md`, and a named pipe named `de.md`:
/// refused with the path and what stands there, by `check`, `render` and `build`, never read
/// (a pipe would block forever) and never a panic; the other cities are still built.
#[test]
fn special_files_where_a_text_is_expected_are_refused_with_their_path() {
    for (lang, special) in [("en", "folder"), ("de", "folder"), ("de", "fifo")] {
        let project = project_from("tiny");
        let milan = repo().join("data/cities/milan");
        copy_dir(&milan, &project.path().join("data/cities/milan"));
        let path = project.path().join(format!("data/cities/tiny/{lang}.md"));
        std::fs::remove_file(&path).unwrap();
        if special == "folder" {
            std::fs::create_dir(&path).unwrap();
        } else if !mkfifo(&path) {
            eprintln!("mkfifo is not available: the named pipe case is skipped");
            continue;
        }
        let what =
            if special == "folder" { "it is a folder, not a file" } else { "it is a named pipe (FIFO)" };
        let limit = Duration::from_secs(120);
        let stderr = must_fail(&run_within(project.path(), &["check", "--data-only"], limit));
        assert!(stderr.contains(&format!("data/cities/tiny/{lang}.md")) && stderr.contains(what), "{stderr}");
        let out = tempfile::tempdir().unwrap();
        let o = out.path().to_str().unwrap();
        let stderr =
            must_fail(&run_within(project.path(), &["render", "tiny", "--lang", "en", "-o", o], limit));
        assert!(stderr.contains(what), "{stderr}");
        let built =
            run_within(project.path(), &["build", "--lang", "en", "-o", o, "--profile", "web"], limit);
        let stderr = must_fail(&built);
        assert!(stderr.contains(what), "{stderr}");
        assert!(out.path().join("milan-en.pdf").exists(), "the other city is built");
        assert!(!out.path().join("tiny-en.pdf").exists());
    }
}

/// A picture that is a named pipe is refused at its figure, not read.
#[test]
fn a_picture_that_is_a_named_pipe_is_refused() {
    let project = project_from("tiny");
    let dir = project.path().join("data/cities/tiny");
    if !mkfifo(&dir.join("pipe.jpg")) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let en = dir.join("en.md");
    let text = std::fs::read_to_string(&en).unwrap().replace(
        "Body text of the background.[^2]",
        "Body text of the background.[^2]\n\n![A pipe](pipe.jpg \"A pipe\")\n",
    );
    std::fs::write(&en, text).unwrap();
    std::fs::write(
        dir.join("city.toml"),
        format!(
            "{}\n[images.\"pipe.jpg\"]\ncredit = \"Me\"\n",
            std::fs::read_to_string(dir.join("city.toml")).unwrap()
        ),
    )
    .unwrap();
    let stderr = must_fail(&run_within(project.path(), &["check", "--data-only"], Duration::from_secs(60)));
    assert!(stderr.contains("pipe.jpg") && stderr.contains("named pipe"), "{stderr}");
}

/// A reader that goes away (`build 2>&1 | head -1`) ends the messages, not the batch: every
/// report is still written, no panic, and the exit status still says how it went.
#[test]
fn a_closed_pipe_ends_the_output_not_the_work() {
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .arg("--root")
        .arg(repo())
        .args(["build", "--city", "milan", "--profile", "web", "--force", "-o"])
        .arg(out.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CITYREPORT_ROOT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Both pipes closed before anything is read.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "exit status with closed pipes");
    let pdfs = std::fs::read_dir(out.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert_eq!(pdfs, 7, "every report is built");
}

/// Every flag has bounds, and a value outside them is refused before any work, saying which.
#[test]
fn flags_out_of_bounds_are_refused_with_their_range() {
    let root = repo();
    let cases: &[(&[&str], &str)] = &[
        (&["render", "milan", "--lang", "en", "--png", "1000"], "0.25 to 8"),
        (&["render", "milan", "--lang", "en", "--png", "0"], "0.25 to 8"),
        (&["build", "--jobs", "10000"], "1 to 64"),
        (&["build", "--jobs", "0"], "1 to 64"),
        (&["bundle", "--city", "milan", "--lang", "en", "--title", " "], "title is empty"),
        (&["render", "milan", "--lang", "en", "--date", "99999999999999"], "1900–2100"),
        (&["render", "milan", "--lang", "en", "--date", "1800-01-01"], "1900–2100"),
        (
            &["render", "milan", "--lang", "en", "--profile", "print", "--creep", "0.1mm"],
            "--creep applies to a booklet only",
        ),
        (&["render", "milan", "--lang", "en", "--profile", "print", "--paper-weight", "100"], "booklet only"),
    ];
    for (args, says) in cases {
        let out = tempfile::tempdir().unwrap();
        let mut args = args.to_vec();
        args.extend(["-o", out.path().to_str().unwrap()]);
        let stderr = must_fail(&run_within(&root, &args, Duration::from_secs(60)));
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "{args:?} wrote something");
    }
}

/// A character written as an escape is checked as if typed: a Markdown reference to a
/// private-use character, a non-character, a control character or to nothing, and a TOML
/// `\u` escape, are located errors of `check`; a reference to a character no font has is one
/// too (it used to pass `check` and fail in a template as a PDF/UA error).
#[test]
fn escapes_are_checked_like_the_characters_they_stand_for() {
    let cases = [
        ("&#xE000;", "en.md", "U+E000"),
        ("&#xFFFF;", "en.md", "U+FFFF"),
        ("&#7;", "en.md", "U+0007, a control character"),
        ("&#0;", "en.md", "no character at all"),
        ("&#x6D4B;", "en.md", "U+6D4B"),
    ];
    for (escape, file, says) in cases {
        let project = project_from("tiny");
        let en = project.path().join("data/cities/tiny").join(file);
        let text = std::fs::read_to_string(&en)
            .unwrap()
            .replace("Body text of the background.", &format!("Body text of the {escape} background."));
        std::fs::write(&en, &text).unwrap();
        let line = text.lines().position(|l| l.contains(escape)).unwrap() + 1;
        let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
        assert!(stderr.contains(says), "{escape}: {stderr}");
        assert!(stderr.contains(&format!("data/cities/tiny/en.md:{line}:")), "{escape} is located: {stderr}");
    }
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let text = std::fs::read_to_string(&en).unwrap().replace(
        "tagline = \"A small town with a big heart\"",
        "tagline = \"A small town\\u0007 with a big heart\"",
    );
    std::fs::write(&en, text).unwrap();
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(stderr.contains("`\\u0007` stands for U+0007") && stderr.contains("en.md:2:"), "{stderr}");
}

/// The TOML reader's words become the editor's: a population typed with separators, a
/// missing field with what to add, a misspelt city with the nearest name.
#[test]
fn messages_are_in_the_editors_words() {
    let project = project_from("tiny");
    let facts = project.path().join("data/cities/tiny/city.toml");
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(&facts, text.replace("population = 12345", "population = \"12,345\"")).unwrap();
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(stderr.contains("this must be a number, not the text \"12,345\""), "{stderr}");
    assert!(stderr.contains("digits only") && stderr.contains("12345"), "{stderr}");
    assert!(!stderr.contains("expected u64"), "{stderr}");

    std::fs::write(&facts, text.replace("name = \"Ann Example\"\n", "")).unwrap();
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(
        stderr.contains("the field `name` is missing here") && stderr.contains("add a line `name = …`"),
        "{stderr}"
    );

    let stderr = must_fail(&run(&repo(), &["render", "mlian", "--lang", "en", "-o", "/nonexistent"]));
    assert!(
        stderr.contains("there is no city `mlian`") && stderr.contains("did you mean `milan`?"),
        "{stderr}"
    );
    let stderr = must_fail(&run(&repo(), &["build", "--city", "mlian", "-o", "/nonexistent"]));
    assert!(stderr.contains("did you mean `milan`?"), "{stderr}");
}

/// A date with a time of day (which was dropped) is refused at its place.
#[test]
fn a_date_with_a_time_is_refused() {
    let project = project_from("tiny");
    let facts = project.path().join("data/cities/tiny/city.toml");
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(
        &facts,
        text.replace("update_year = 2023\n", "update_year = 2023\ndate = 2023-06-30T10:00:00+02:00\n"),
    )
    .unwrap();
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(stderr.contains("without a time") && stderr.contains("city.toml:6:"), "{stderr}");
}

/// An update section written as a paragraph (a forgotten `- `) is a warning at its heading.
#[test]
fn an_update_section_without_a_list_is_a_warning() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replace("- Something new happened.[^3]", "Something new happened.[^3]");
    std::fs::write(&en, text).unwrap();
    let o = run(project.path(), &["check", "--data-only"]);
    must_succeed(&o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("warning: the update section has no list of news"), "{stderr}");
}

/// A section id the README does not allow (`{#Shelters}`) is refused where it is defined, in
/// the default language's file, not later in a translation that writes it as documented.
#[test]
fn a_section_id_is_checked_where_it_is_defined() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let text = std::fs::read_to_string(&en).unwrap().replace("{#first}", "{#Shelters}");
    std::fs::write(&en, &text).unwrap();
    let line = text.lines().position(|l| l.contains("{#Shelters}")).unwrap() + 1;
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(
        stderr.contains("the section id `Shelters` is not lower-case") && stderr.contains("`{#shelters}`"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("data/cities/tiny/en.md:{line}:")), "{stderr}");
    assert!(!stderr.contains("de.md"), "{stderr}");
}

/// An 8000-character address is refused at its link (it failed in a template), and an SVG
/// that draws another file at its figure's file (it failed at a hashed name in `images/`).
#[test]
fn a_huge_address_and_an_svg_drawing_a_file_are_refused_at_their_place() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let url = format!("https://example.org/?q={}", "a".repeat(8000));
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replace("[^2]: <https://example.org/second>", &format!("[^2]: <{url}>"));
    std::fs::write(&en, &text).unwrap();
    let line = text.lines().position(|l| l.contains("?q=aaa")).unwrap() + 1;
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(
        stderr.contains("this address is 8023 characters long") && stderr.contains(&format!("en.md:{line}:")),
        "{stderr}"
    );

    let project = project_from("tiny");
    let dir = project.path().join("data/cities/tiny");
    std::fs::write(dir.join("map.svg"), "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' viewBox='0 0 10 10'>\n<image href='file:///etc/passwd' width='10' height='10'/>\n</svg>\n").unwrap();
    let text = std::fs::read_to_string(dir.join("en.md")).unwrap().replace(
        "Body text of the background.[^2]",
        "Body text of the background.[^2]\n\n![A map](map.svg \"A map\")\n",
    );
    std::fs::write(dir.join("en.md"), text).unwrap();
    std::fs::write(
        dir.join("city.toml"),
        format!(
            "{}\n[images.\"map.svg\"]\ncredit = \"Me\"\n",
            std::fs::read_to_string(dir.join("city.toml")).unwrap()
        ),
    )
    .unwrap();
    let out = project.path().join("out");
    for args in
        [&["check", "--data-only"][..], &["render", "tiny", "--lang", "en", "-o", out.to_str().unwrap()]]
    {
        let stderr = must_fail(&run(project.path(), args));
        assert!(
            stderr.contains("draws the file `file:///etc/passwd` (line 2)") && stderr.contains("map.svg"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("images/"), "{stderr}");
    }
}

/// An update section in a city without `update_year` is refused at the section (its title
/// needs the year).
#[test]
fn an_update_section_needs_its_year() {
    let project = project_from("tiny");
    let facts = project.path().join("data/cities/tiny/city.toml");
    let text = std::fs::read_to_string(&facts).unwrap().replace("update_year = 2023\n", "");
    std::fs::write(&facts, text).unwrap();
    let stderr = must_fail(&run(project.path(), &["check", "--data-only"]));
    assert!(
        stderr.contains("the update section needs its year") && stderr.contains("data/cities/tiny/en.md:"),
        "{stderr}"
    );
}

/// A real 58-letter place name on the cover is set smaller until it fits its column (it was
/// cut off, and the report refused), in A4 and A5; a name that fits keeps the cover's size.
#[test]
fn a_long_place_name_fits_the_cover() {
    let name = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch";
    let project = project_from("tiny");
    let facts = project.path().join("data/cities/tiny/city.toml");
    let text =
        std::fs::read_to_string(&facts).unwrap().replace("en = \"Tinytown\"", &format!("en = \"{name}\""));
    std::fs::write(&facts, text).unwrap();
    let out = project.path().join("out");
    for kind in [&["--profile", "web"][..], &["--profile", "print", "--paper", "a5"]] {
        let mut args = vec!["render", "tiny", "--lang", "en", "-o", out.to_str().unwrap()];
        args.extend(kind);
        must_succeed(&run(project.path(), &args));
    }
    let pdf = Pdf::new(std::fs::read(out.join("tiny-en.pdf")).unwrap());
    assert!(pdf.pages[0].contains(name), "{}", pdf.pages[0]);
    let sizes = pdf.font_sizes(0);
    assert!(sizes.iter().all(|&s| s < 59.0), "the name is set smaller than 60 pt: {sizes:?}");
    let milan = Pdf::new(render(&repo(), "milan", "en"));
    assert!(milan.font_sizes(0).iter().any(|&s| (s - 60.0).abs() < 0.1), "{:?}", milan.font_sizes(0));
}

/// A 210-letter word in a heading: it breaks in the heading and the contents of an A4 file (it
/// ran off the page; `check` passed it, `build` refused it), and whatever kind of file still
/// cannot hold it, plain `check` refuses too: `check` and `build` agree.
#[test]
fn check_and_build_agree_on_what_only_the_page_shows() {
    let project = project_from("tiny");
    let en = project.path().join("data/cities/tiny/en.md");
    let word = "Integrationsmaßnahmen".repeat(10);
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replace("## The first approach {#first}", &format!("## The first {word} approach {{#first}}"));
    std::fs::write(&en, text).unwrap();
    must_succeed(&run(project.path(), &["check", "--data-only"]));
    let out = project.path().join("out");
    let pdf = Pdf::new(render(project.path(), "tiny", "en"));
    assert!(contains_loose(&pdf.text().replace('\u{200b}', ""), &word));
    let check = run(project.path(), &["check"]);
    let mut every_kind_builds = true;
    for kind in [
        &["--profile", "web"][..],
        &["--profile", "archive"],
        &["--profile", "print"],
        &["--profile", "print", "--paper", "a5"],
        &["--profile", "print", "--booklet"],
    ] {
        let mut args = vec!["build", "--force", "--city", "tiny", "-o", out.to_str().unwrap()];
        args.extend(kind);
        every_kind_builds &= run(project.path(), &args).status.success();
    }
    assert_eq!(check.status.success(), every_kind_builds, "{}", String::from_utf8_lossy(&check.stderr));
}

/// Lists and counts in plain words: a translation's list naming an id twice names it once,
/// outdated parts take their verb's number, a bundle of one city says "1 city".
#[test]
fn lists_and_counts_read_as_words() {
    let project = project_from("tiny");
    let de = project.path().join("data/cities/tiny/de.md");
    let text = std::fs::read_to_string(&de).unwrap().replacen(
        "+++\n",
        "+++\nto_translate = [\"nosuch\", \"nosuch\"]\n",
        1,
    );
    std::fs::write(&de, text).unwrap();
    let o = run(project.path(), &["check", "--data-only"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("names `nosuch`, which en.md") && !stderr.contains("`nosuch`, `nosuch`"),
        "{stderr}"
    );

    let project = project_from("tiny");
    must_succeed(&run(project.path(), &["translate", "tiny", "--to", "de"]));
    let en = project.path().join("data/cities/tiny/en.md");
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replace("\"Second takeaway.\"", "\"Second takeaway, changed.\"");
    std::fs::write(&en, text).unwrap();
    let de = project.path().join("data/cities/tiny/de.md");
    let text =
        std::fs::read_to_string(&de).unwrap().replace("to_translate = [\"takeaways\", ", "to_translate = [");
    std::fs::write(&de, text).unwrap();
    let o = run(project.path(), &["check", "--data-only"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("the takeaways are outdated"), "{stderr}");

    let out = project.path().join("one.pdf");
    let o = run(project.path(), &["bundle", "--city", "tiny", "--lang", "en", "-o", out.to_str().unwrap()]);
    must_succeed(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("(1 city, "),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// The site's files too: a named pipe as a language's fixed strings, a folder as site.toml, a
/// named pipe as the print profile `[print]` names, each refused with its path, never waited on.
#[test]
fn the_sites_own_files_are_ordinary_files_or_refused() {
    let limit = Duration::from_secs(60);
    let project = project_from("tiny");
    let pl = project.path().join("data/i18n/pl.toml");
    std::fs::remove_file(&pl).unwrap();
    if !mkfifo(&pl) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let stderr = must_fail(&run_within(project.path(), &["check", "--data-only"], limit));
    assert!(stderr.contains("data/i18n/pl.toml") && stderr.contains("named pipe"), "{stderr}");

    let project = project_from("tiny");
    let site = project.path().join("data/site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, format!("{text}\n[print]\nprofile = \"shop.icc\"\n")).unwrap();
    assert!(mkfifo(&project.path().join("shop.icc")));
    let stderr = must_fail(&run_within(project.path(), &["check", "--data-only"], limit));
    assert!(stderr.contains("shop.icc") && stderr.contains("named pipe"), "{stderr}");

    let project = project_from("tiny");
    let site = project.path().join("data/site.toml");
    std::fs::remove_file(&site).unwrap();
    std::fs::create_dir(&site).unwrap();
    let stderr = must_fail(&run_within(project.path(), &["check", "--data-only"], limit));
    assert!(stderr.contains("data/site.toml") && stderr.contains("it is a folder, not a file"), "{stderr}");
}
