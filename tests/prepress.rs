//! What a print shop's preflight asks of a print file, read back from the files: PDF/X-4 with
//! the site's output intent (lopdf, and `qpdf --json` where qpdf is installed), the XMP and
//! the document information, no links, the structure tree kept; the total ink measured by
//! rendering the pages in CMYK with Ghostscript (where it is installed); creep-compensated
//! booklets; the preflight report beside each file; a print shop's own profile in site.toml.

use std::process::Command;
use std::sync::OnceLock;

use lopdf::Object;

use crate::common::*;

/// Millimetres in points.
fn mm(v: f32) -> f32 {
    v / 25.4 * 72.0
}

/// Milan in German as A4 print, A5 print and booklet (default creep), in one folder.
fn milan() -> &'static tempfile::TempDir {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let o = out.path().to_str().unwrap();
        for flags in [
            &["--profile", "print"][..],
            &["--profile", "print", "--paper", "a5"],
            &["--profile", "print", "--booklet"],
        ] {
            must_succeed(&run(
                &repo(),
                &[&["build", "--city", "milan", "--lang", "de", "-o", o][..], flags].concat(),
            ));
        }
        out
    })
}

const FILES: [&str; 3] = ["milan-de-print.pdf", "milan-de-print-a5.pdf", "milan-de-booklet.pdf"];

fn pdf(name: &str) -> Pdf {
    Pdf::new(std::fs::read(milan().path().join(name)).unwrap())
}

/// A string value of a dictionary.
fn text(dict: &lopdf::Dictionary, key: &[u8]) -> String {
    String::from_utf8_lossy(dict.get(key).and_then(Object::as_str).unwrap_or_default()).into_owned()
}

/// Every print file declares PDF/X-4 (PDF 1.6) with one output intent: the site's condition
/// (FOGRA51 by default) and the shipped profile, byte for byte.
#[test]
fn print_files_are_pdfx4_with_the_sites_output_intent() {
    let shipped = std::fs::read(repo().join("icc/PSOcoated_v3_300_mth.icc")).unwrap();
    for name in FILES {
        let bytes = std::fs::read(milan().path().join(name)).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.6"), "{name}: {:?}", String::from_utf8_lossy(&bytes[..8]));
        let pdf = Pdf::new(bytes);
        let catalog = pdf.doc.catalog().unwrap();
        assert_eq!(catalog.get(b"Version").and_then(Object::as_name).unwrap(), b"1.6", "{name}");
        let intents = pdf.doc.dereference(catalog.get(b"OutputIntents").unwrap()).unwrap().1;
        let intents = intents.as_array().unwrap();
        assert_eq!(intents.len(), 1, "{name}: exactly one output intent");
        let intent = pdf.doc.dereference(&intents[0]).unwrap().1.as_dict().unwrap().clone();
        assert_eq!(intent.get(b"S").and_then(Object::as_name).unwrap(), b"GTS_PDFX", "{name}");
        assert_eq!(text(&intent, b"OutputConditionIdentifier"), "FOGRA51", "{name}");
        assert_eq!(text(&intent, b"RegistryName"), "http://www.color.org", "{name}");
        assert!(text(&intent, b"OutputCondition").contains("PSO Coated v3"), "{name}");
        let profile = intent.get(b"DestOutputProfile").and_then(Object::as_reference).unwrap();
        let profile = pdf.doc.get_object(profile).unwrap().as_stream().unwrap();
        assert_eq!(profile.dict.get(b"N").and_then(Object::as_i64).unwrap(), 4, "{name}: a CMYK profile");
        assert!(profile.decompressed_content().unwrap() == shipped, "{name}: the shipped profile, whole");
    }
}

/// The XMP says PDF/X-4, not trapped, with its dates and identifiers, and keeps Typst's title
/// and language; the document information agrees; the boxes nest on every page.
#[test]
fn print_files_carry_the_pdfx_metadata_and_nested_boxes() {
    for name in FILES {
        let pdf = pdf(name);
        let value = |key: &str| pdf.xmp_value(key).unwrap_or_else(|| panic!("{name}: no {key} in the XMP"));
        assert_eq!(value("pdfxid:GTS_PDFXVersion"), "PDF/X-4", "{name}");
        assert_eq!(value("pdf:Trapped"), "False", "{name}");
        assert_eq!(value("pdf:PDFVersion"), "1.6", "{name}");
        assert!(!value("xmpMM:DocumentID").is_empty(), "{name}");
        assert!(value("xmpMM:InstanceID").starts_with("uuid:"), "{name}");
        assert!(!value("xmpMM:VersionID").is_empty(), "{name}");
        assert_eq!(value("xmpMM:RenditionClass"), "default", "{name}");
        assert!(value("xmp:MetadataDate").starts_with("2023-"), "{name}: the data's date");
        assert_eq!(value("xmp:MetadataDate"), value("xmp:ModifyDate"), "{name}");
        assert!(pdf.xmp().unwrap().contains("Mailand"), "{name}: the title in the XMP");
        let info =
            pdf.doc.trailer.get(b"Info").and_then(|i| pdf.doc.dereference(i)).unwrap().1.as_dict().unwrap();
        assert_eq!(info.get(b"Trapped").and_then(Object::as_name).unwrap(), b"False", "{name}");
        assert_eq!(pdf.info("GTS_PDFXVersion").as_deref(), Some("PDF/X-4"), "{name}");
        for i in 0..pdf.pages.len() {
            let [m, b, t] = ["MediaBox", "BleedBox", "TrimBox"].map(|k| pdf.page_box(i, k).unwrap());
            let inside = |inner: [f32; 4], outer: [f32; 4]| {
                inner[0] >= outer[0] - 0.01
                    && inner[1] >= outer[1] - 0.01
                    && inner[2] <= outer[2] + 0.01
                    && inner[3] <= outer[3] + 0.01
            };
            assert!(inside(t, b) && inside(b, m), "{name} page {}: {t:?} {b:?} {m:?}", i + 1);
        }
    }
}

/// A print file has no link annotations (nothing to click on paper, and a preflight refuses
/// annotations on the page and actions), and its structure tree stays: the A4 and A5 files
/// are as tagged as before, their links' text still tagged `Link`.
#[test]
fn print_files_have_no_links_but_keep_their_structure() {
    for name in &FILES[..2] {
        let pdf = pdf(name);
        assert!(pdf.link_annotations().is_empty(), "{name}: {:?}", &pdf.link_annotations()[..3]);
        let tagged = pdf.tagged();
        let roles = tagged.roles();
        for role in ["H1", "H2", "P", "L", "LI", "Link", "Note"] {
            assert!(roles.iter().any(|r| r == role), "{name}: no {role} in the structure tree");
        }
        // No element still points at a removed annotation.
        let dangling = tagged
            .elements()
            .iter()
            .filter(|e| e.children.iter().any(|c| matches!(c, crate::common::tagged::Node::Annotation)))
            .count();
        assert_eq!(dangling, 0, "{name}: {dangling} elements still hold an annotation");
        assert!(pdf.text().contains("https://"), "{name}: the addresses are printed in full");
    }
}

/// Every colour in the pages is CMYK or gray (no RGB operator, no RGB colour space in any
/// resource or group), and the measured total ink stays within the 300 % of the default
/// condition; text black is 100 % K alone.
#[test]
fn print_files_paint_in_cmyk_within_the_ink_limit() {
    for name in FILES {
        let bytes = std::fs::read(milan().path().join(name)).unwrap();
        let pages = cityreport::finish::pdfx::ink_coverage(&bytes).unwrap();
        for p in &pages {
            assert!(p.rgb.is_empty(), "{name} page {}: RGB {:?}", p.page, p.rgb);
            assert!(p.max_total <= 300.5, "{name} page {}: {} % ink", p.page, p.max_total);
        }
        let max = pages.iter().map(|p| p.max_total).fold(0.0, f32::max);
        assert!((199.0..=201.0).contains(&max), "{name}: the rich black bands are the most ink: {max}");
        let raw = String::from_utf8_lossy(&bytes);
        assert!(!raw.contains("/DeviceRGB") || name.contains("booklet"), "{name}: a DeviceRGB name");
    }
}

/// The same limit measured independently: Ghostscript renders each page inside its trim as
/// CMYK pixels (`bitcmyk`, 8 bits per ink), and no pixel carries more than 300 % ink.
#[test]
fn ghostscript_measures_the_ink_within_the_limit() {
    if Command::new("gs").arg("--version").output().is_err() {
        eprintln!(
            "skipped: Ghostscript (gs) is not installed; the ink limit is still checked by cityreport's own measure"
        );
        return;
    }
    for name in FILES {
        let path = milan().path().join(name);
        let out = tempfile::tempdir().unwrap();
        let raw = out.path().join("page-%03d.cmyk");
        let status = Command::new("gs")
            .args([
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-dSAFER",
                "-sDEVICE=bitcmyk",
                "-dGrayValues=256",
                "-r36",
                "-dUseTrimBox",
            ])
            .arg(format!("-sOutputFile={}", raw.display()))
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "gs failed on {name}");
        let mut max = 0u32;
        let mut pages = 0;
        for entry in std::fs::read_dir(out.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            pages += 1;
            for px in bytes.chunks_exact(4) {
                max = max.max(px.iter().map(|&v| u32::from(v)).sum());
            }
        }
        let percent = max as f32 / 255.0 * 100.0;
        assert!(pages > 0, "{name}: no page rendered");
        assert!(percent <= 301.0, "{name}: a pixel with {percent:.0} % ink");
        assert!(percent >= 150.0, "{name}: the rich black band was not seen ({percent:.0} %)");
    }
}

/// `qpdf --json` (where installed) reads the same output intent and finds the file sound.
#[test]
fn qpdf_reads_the_output_intent() {
    let Ok(check) = Command::new("qpdf").arg("--check").arg(milan().path().join(FILES[0])).output() else {
        eprintln!("skipped: qpdf is not installed; lopdf read the output intent above");
        return;
    };
    assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    for name in FILES {
        let json = Command::new("qpdf").arg("--json").arg(milan().path().join(name)).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let objects = json["objects"].as_object().or_else(|| json["qpdf"][1].as_object()).expect("objects");
        let value = |v: &serde_json::Value| -> serde_json::Value {
            match v.as_str() {
                Some(r) if r.ends_with(" R") => objects[&format!("obj:{r}")]["value"].clone(),
                _ => v.clone(),
            }
        };
        let catalog =
            objects.values().map(|o| &o["value"]).find(|v| v["/Type"] == "/Catalog").expect("a catalog");
        let intents: Vec<serde_json::Value> =
            catalog["/OutputIntents"].as_array().expect("output intents").iter().map(value).collect();
        assert!(intents.iter().all(|i| i["/S"] == "/GTS_PDFX"), "{name}: {intents:?}");
        assert_eq!(intents.len(), 1, "{name}: qpdf sees one PDF/X output intent");
        assert_eq!(intents[0]["/OutputConditionIdentifier"], "u:FOGRA51", "{name}");
    }
}

/// The pages of each booklet sheet move toward the spine by the creep times the sheets
/// outside it: `--creep 0.2mm` puts the innermost sheet's pages 1 mm (5 sheets × 0.2) nearer
/// the fold than the outermost's, `--creep 0` not at all; the slug says the creep applied.
#[test]
fn booklets_compensate_creep_sheet_by_sheet() {
    let out = tempfile::tempdir().unwrap();
    let sheets = |creep: &str| {
        let dir = out.path().join(creep);
        let args =
            ["render", "milan", "--lang", "de", "--profile", "print", "--booklet", "--creep", creep, "-o"];
        must_succeed(&run(&repo(), &[&args[..], &[dir.to_str().unwrap()]].concat()));
        Pdf::new(std::fs::read(dir.join("milan-de-booklet.pdf")).unwrap())
    };
    let (none, some) = (sheets("0"), sheets("0.2mm"));
    assert_eq!(none.pages.len(), some.pages.len());
    let sides = none.pages.len();
    assert!(sides >= 8, "Milan's booklet has at least 4 sheets: {sides} sides");
    // The x of each placed page, left and right half, on side `i`.
    let xs =
        |pdf: &Pdf, i: usize| -> Vec<f32> { pdf.placed(i).iter().map(|p| p.matrix[4] + p.bbox[0]).collect() };
    for i in 0..sides {
        let sheet = i / 2; // 0 = outermost
        let (a, b) = (xs(&none, i), xs(&some, i));
        assert_eq!(a.len(), 2, "side {}: two pages", i + 1);
        let shift = mm(0.2) * sheet as f32;
        assert!(
            (b[0] - a[0] - shift).abs() < 0.05,
            "side {}: the left page moved {} pt, not {shift}",
            i + 1,
            b[0] - a[0]
        );
        assert!(
            (a[1] - b[1] - shift).abs() < 0.05,
            "side {}: the right page moved {} pt, not {shift}",
            i + 1,
            a[1] - b[1]
        );
    }
    let innermost = sides / 2 - 1;
    let label = format!("sheet {} front · pages", innermost + 1);
    let creep = format!("creep {} mm", (innermost as f32 * 0.2 * 1000.0).round() / 1000.0);
    let text: String = some.runs(2 * innermost).iter().map(|r| r.text.as_str()).collect();
    assert!(
        contains_loose(&text, &label) && contains_loose(&text, &creep),
        "the slug says `{label}` and `{creep}`: {text}"
    );
    // The outermost sheet did not move at all, and the text area moved with its page.
    assert_eq!(xs(&none, 0), xs(&some, 0));
    // A creep that would move the innermost pages out of their bleed is refused, no file.
    let dir = out.path().join("too-much");
    let args = ["render", "milan", "--lang", "de", "--profile", "print", "--booklet", "--creep", "1mm", "-o"];
    let said = must_fail(&run(&repo(), &[&args[..], &[dir.to_str().unwrap()]].concat()));
    assert!(said.contains("moves the innermost of 6 sheets 5.00 mm"), "{said}");
    assert!(!dir.join("milan-de-booklet.pdf").exists());
}

/// A preflight report is written beside each print file (and listed in the manifest), read
/// from the file: PDF/X-4, the condition, sizes, pages, inks, fonts, the thinnest rule, creep
/// and the shop's instructions.
#[test]
fn a_preflight_report_is_written_beside_each_print_file() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(milan().path().join("manifest.json")).unwrap()).unwrap();
    for name in FILES {
        let report = std::fs::read_to_string(milan().path().join(format!("{name}.preflight.txt")))
            .unwrap_or_else(|e| panic!("{name}.preflight.txt: {e}"));
        for needle in [
            "PDF/X-4",
            "PDF 1.6",
            "FOGRA51",
            "Bleed           3 mm",
            "no RGB",
            "at most 200 % (the limit is 300 %)",
            "all embedded",
            "Thinnest rule   0.",
            "For the print shop:",
            "hard proof",
        ] {
            assert!(report.contains(needle), "{name}: no `{needle}` in\n{report}");
        }
        let entry = manifest["reports"].as_array().unwrap().iter().find(|e| e["file"] == name).unwrap();
        assert_eq!(entry["preflight"], format!("{name}.preflight.txt"), "{name}");
    }
    let booklet = std::fs::read_to_string(milan().path().join("milan-de-booklet.pdf.preflight.txt")).unwrap();
    assert!(
        booklet.contains("296 × 210 mm")
            && booklet.contains("saddle-stitch")
            && booklet.contains("0.115 mm per sheet"),
        "{booklet}"
    );
    let a4 = std::fs::read_to_string(milan().path().join("milan-de-print.pdf.preflight.txt")).unwrap();
    assert!(a4.contains("210 × 297 mm") && !a4.contains("Creep"), "{a4}");
    // The web file has none.
    let web = tempfile::tempdir().unwrap();
    must_succeed(&run(&repo(), &["render", "milan", "--lang", "de", "-o", web.path().to_str().unwrap()]));
    assert!(!web.path().join("milan-de.pdf.preflight.txt").exists());
}

/// A print shop's own profile and condition go in `[print]` of site.toml and into the file; a
/// profile that is missing or not a CMYK output profile, or an ink limit the templates'
/// colours exceed, is a located error and no file is written.
#[test]
fn a_print_shops_own_condition_is_used_or_refused_with_its_place() {
    let project = project_from("tiny");
    let root = project.path();
    let site = root.join("data/site.toml");
    let base = std::fs::read_to_string(&site).unwrap();
    let print = |extra: &str| {
        std::fs::write(&site, format!("{base}\n[print]\n{extra}\n")).unwrap();
        let out = root.join("out");
        let _ = std::fs::remove_dir_all(&out);
        (
            run(root, &["render", "tiny", "--lang", "en", "--profile", "print", "-o", out.to_str().unwrap()]),
            out.join("tiny-en-print.pdf"),
        )
    };
    std::fs::copy(repo().join("icc/PSOcoated_v3_300_mth.icc"), root.join("shop.icc")).unwrap();
    let (o, file) =
        print("profile = \"shop.icc\"\ncondition = \"Custom\"\ninfo = \"Our shop's press, uncoated paper\"");
    must_succeed(&o);
    let pdf = Pdf::new(std::fs::read(&file).unwrap());
    let catalog = pdf.doc.catalog().unwrap();
    let intent =
        pdf.doc.dereference(catalog.get(b"OutputIntents").unwrap()).unwrap().1.as_array().unwrap()[0].clone();
    let intent = pdf.doc.dereference(&intent).unwrap().1.as_dict().unwrap().clone();
    assert_eq!(text(&intent, b"OutputConditionIdentifier"), "Custom");
    assert_eq!(text(&intent, b"Info"), "Our shop's press, uncoated paper");

    let (o, file) = print("profile = \"missing.icc\"");
    let said = must_fail(&o);
    assert!(
        said.contains("data/site.toml")
            && said.contains("missing.icc")
            && said.contains("not a file in the project"),
        "{said}"
    );
    assert!(!file.exists());
    std::fs::write(
        root.join("rgb.icc"),
        [&[0u8; 12][..], b"mntrRGB ", &[0; 16], b"acsp", &[0; 100]].concat(),
    )
    .unwrap();
    let said = must_fail(&print("profile = \"rgb.icc\"").0);
    assert!(said.contains("not an ICC output profile for CMYK"), "{said}");
    let said = must_fail(&print("profile = \"../outside.icc\"").0);
    assert!(said.contains("not a file in the project"), "{said}");
    // The rich black bands (200 %) exceed a 180 % condition: the proof says where.
    let (o, file) = print("total_ink = 180");
    let said = must_fail(&o);
    assert!(
        said.contains("total ink, more than the 180 %") && said.contains("templates/cover.typ:"),
        "{said}"
    );
    assert!(!file.exists());
    let said = must_fail(&print("total_ink = 50").0);
    assert!(said.contains("`total_ink` is 50 %") && said.contains("site.toml:"), "{said}");
}
