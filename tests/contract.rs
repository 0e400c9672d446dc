//! The contract between the data and the templates: the JSON `export-data` prints is what the
//! templates receive, versioned, and any change to it is seen and reviewed here.

use crate::common::*;

/// The whole JSON of Milan in German (translated parts, fallback parts, every fixed string):
/// compared with tests/snapshots/milan-de.json. If a change is intended, look at the
/// difference (`diff tests/snapshots/milan-de.json tests/snapshots/milan-de.new.json`),
/// update templates/README.md if the shape changed (and raise the schema version), then
/// accept it with `SNAPSHOTS=overwrite cargo test --release contract`.
#[test]
fn milan_de_json_is_as_reviewed() {
    let out = run(&repo(), &["export-data", "milan", "--lang", "de"]);
    must_succeed(&out);
    let changed = snapshot("milan-de.json", &out.stdout);
    assert!(
        changed.is_none(),
        "export-data milan --lang de differs from tests/snapshots/milan-de.json (see milan-de.new.json)"
    );
}

#[test]
fn the_json_carries_its_schema_levels_roles_and_every_fixed_string() {
    let out = run(&repo(), &["export-data", "milan", "--lang", "fr"]);
    must_succeed(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], 5);
    // Each key figure names what it is (the proof of the pages reports it by that name).
    let figures: Vec<&str> =
        json["figures"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(figures, ["population", "location", "mayor"]);
    let sections = json["sections"].as_array().unwrap();
    let roles: Vec<&str> = sections.iter().map(|s| s["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["abstract", "section", "section", "section", "update"]);
    assert!(sections.iter().all(|s| s["level"] == 1));
    let subs = sections[2]["subsections"].as_array().unwrap();
    assert_eq!(subs.len(), 4);
    assert!(subs.iter().all(|s| s["level"] == 2 && s["role"] == "section"));
    // The update section is titled from the fixed string, its year filled in.
    // (Its last two words joined by a no-break space, as every heading's.)
    let title = sections[4]["title"][0]["text"].as_str().unwrap().replace('\u{a0}', " ");
    assert_eq!(title, json["strings"]["update_title"].as_str().unwrap().replace('\u{a0}', " "));
    assert!(json["strings"]["update_title"].as_str().unwrap().contains("2023"));
    // `{page}` and `{pages}` are left for the template.
    assert!(json["strings"]["page"].as_str().unwrap().contains("{page}"));
    let keys: Vec<&String> = json["strings"].as_object().unwrap().keys().collect();
    let expected = [
        "back_cover",
        "back_cover_bundle",
        "bundle_title",
        "contents",
        "cover_label",
        "fallback_mark",
        "fallback_note",
        "key_figures",
        "key_takeaways",
        "language_name",
        "location",
        "mayor",
        "networks",
        "outdated_note",
        "page",
        "population",
        "report_date",
        "report_dates",
        "title",
        "update_title",
    ];
    assert_eq!(keys, expected);
}

/// `--date` (or `SOURCE_DATE_EPOCH`) sets the document date of every report.
#[test]
fn the_date_flag_and_source_date_epoch_set_the_document_date() {
    let date_of = |args: &[&str], env: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cityreport"));
        cmd.arg("--root").arg(repo()).args(args).env_remove("SOURCE_DATE_EPOCH");
        if let Some(v) = env {
            cmd.env("SOURCE_DATE_EPOCH", v);
        }
        let out = cmd.output().unwrap();
        must_succeed(&out);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["meta"]["date"].to_string()
    };
    let export = ["export-data", "milan", "--lang", "en"];
    assert_eq!(date_of(&export, None), r#"{"day":1,"month":1,"year":2023}"#);
    assert_eq!(date_of(&export, Some("1700000000")), r#"{"day":14,"month":11,"year":2023}"#);
    let flag = ["--date", "2024-02-29", "export-data", "milan", "--lang", "en"];
    assert_eq!(date_of(&flag, Some("1700000000")), r#"{"day":29,"month":2,"year":2024}"#);
    let bad = run(&repo(), &["--date", "2023-02-29", "export-data", "milan", "--lang", "en"]);
    let stderr = must_fail(&bad);
    assert!(stderr.contains("2023-02-29 is not a day of the calendar"), "{stderr}");
}

/// The files the World serves beside the templates are made from the typed report: the
/// output alone (the same bytes for reports that differ elsewhere), and one note per keyed
/// footnote, in the language of its section, with the key the footnote in the JSON holds.
#[test]
fn the_worlds_files_come_from_the_typed_report() {
    let project = cityreport::Project::open(&repo()).expect("the repository is a project");
    let city = project.city("milan").expect("Milan");
    let file = |files: &[(String, Vec<u8>)], path: &str| -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(p, _)| p == path).unwrap_or_else(|| panic!("no {path}"));
        serde_json::from_slice(bytes).unwrap()
    };
    let de = project.report(&city, "de", cityreport::Output::WEB).unwrap();
    let en = project.report(&city, "en", cityreport::Output::WEB).unwrap();
    let (de_files, en_files) = (de.files(&[]), en.files(&["milan/3/1".into()]));
    let output =
        |files: &[(String, Vec<u8>)]| files.iter().find(|(p, _)| p == "/output.json").unwrap().1.clone();
    assert_eq!(output(&de_files), output(&en_files), "the output's file is the same for every report");
    assert_eq!(file(&de_files, "/output.json"), serde_json::json!({ "output": de.output }));
    // The breaks are beside the report in its JSON, not in the output.
    assert_eq!(file(&en_files, "/report.json")["breaks"], serde_json::json!(["milan/3/1"]));
    assert!(file(&de_files, "/report.json").get("breaks").is_none());

    // Every footnote of the JSON has its note, keyed in reading order, in its section's language.
    let json = file(&de_files, "/report.json");
    let mut keys = Vec::new();
    fn walk(v: &serde_json::Value, lang: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                let lang = m.get("lang").and_then(|l| l.as_str()).unwrap_or(lang);
                if m.get("kind").and_then(|k| k.as_str()) == Some("footnote") {
                    out.push((m["key"].as_str().unwrap().to_string(), lang.to_string()));
                }
                m.values().for_each(|v| walk(v, lang, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, lang, out)),
            _ => {}
        }
    }
    walk(&json["sections"], "de", &mut keys);
    assert!(keys.len() > 20, "Milan has its footnotes: {keys:?}");
    // Milan-de's notes are all in its English (fallback) sections: each note says so, with
    // the English region, not the report's.
    for (key, lang) in &keys {
        let note = file(&de_files, &format!("/notes/{key}.json"));
        assert_eq!(note["lang"], lang.as_str(), "{key}");
        assert_eq!(note["region"], if lang == "de" { "DE" } else { "GB" }, "{key}");
        assert!(note["content"].as_array().is_some_and(|c| !c.is_empty()), "{key}");
    }
    let paths: Vec<&String> = de_files.iter().map(|(p, _)| p).filter(|p| p.starts_with("/notes/")).collect();
    assert_eq!(paths.len(), keys.len(), "one note per footnote, no more");
}
