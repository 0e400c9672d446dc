//! The preflight report written beside each print file (`<file>.preflight.txt`): what a print
//! shop's checklist asks, answered from the file itself (read back with lopdf, the inks
//! measured from its content streams), with the instructions for the job.

use std::fmt::Write as _;

use lopdf::Document;

use crate::data::PrintCondition;
use crate::finish::pdfx::PageInk;
use crate::report::output::{Output, Paper};

/// What the report says about a print file beyond what the file holds.
pub(crate) struct Subject<'a> {
    /// The file's name.
    pub file: &'a str,
    /// The kind of file.
    pub output: Output,
    /// The printing condition the file is made for.
    pub condition: &'a PrintCondition,
}

/// The preflight report of the print file `doc`, whose pages' inks are `inks`
/// ([`crate::finish::pdfx::ink_coverage_of`]), made as `job` says.
pub(crate) fn report(doc: &Document, inks: &[PageInk], job: &Subject) -> String {
    let mut out = String::new();
    let line = |out: &mut String, key: &str, value: String| _ = writeln!(out, "{key:<16}{value}");
    let _ = writeln!(out, "Preflight report: {}\n", job.file);
    line(&mut out, "Standard", standard(doc));
    line(&mut out, "Output intent", intent(doc, job.condition));
    line(&mut out, "Trim size", trim_size(doc, job.output));
    line(
        &mut out,
        "Bleed",
        format!("{} mm on every side (BleedBox); crop marks outside it", job.output.bleed_mm()),
    );
    line(&mut out, "Pages", pages(doc.get_pages().len(), job.output));
    line(&mut out, "Inks", inks_used(inks));
    line(&mut out, "Total ink", total_ink(inks, job.condition.total_ink));
    line(&mut out, "Pictures", pictures(inks));
    line(&mut out, "Fonts", fonts(doc));
    line(&mut out, "Thinnest rule", thinnest(inks));
    line(&mut out, "Trapping", "not trapped (Trapped: False): trap it if your press needs it".into());
    line(&mut out, "Links", "none: a print file has no link annotations or actions".into());
    if job.output.booklet() {
        line(&mut out, "Creep", creep(job.output, doc.get_pages().len()));
    }
    let _ = writeln!(out, "\nFor the print shop:");
    for step in instructions(job.output, doc.get_pages().len()) {
        let _ = writeln!(out, "- {step}");
    }
    out
}

/// The PDF/X version and the PDF version the file declares.
fn standard(doc: &Document) -> String {
    let info =
        doc.trailer.get(b"Info").and_then(|i| doc.dereference(i)).ok().and_then(|(_, i)| i.as_dict().ok());
    let x = info.and_then(|i| i.get(b"GTS_PDFXVersion").ok()).and_then(|v| v.as_str().ok());
    let x = x.map_or("none".into(), |v| String::from_utf8_lossy(v).into_owned());
    format!("{x} (ISO 15930-7), PDF {}", doc.version)
}

/// The output intent's condition, and the profile's size.
fn intent(doc: &Document, condition: &PrintCondition) -> String {
    let catalog = doc.catalog().ok();
    let intents = catalog.and_then(|c| c.get(b"OutputIntents").ok()).and_then(|i| doc.dereference(i).ok());
    let first = intents.and_then(|(_, i)| i.as_array().ok()?.first().cloned());
    let first = first.and_then(|i| doc.dereference(&i).ok().and_then(|(_, d)| d.as_dict().ok().cloned()));
    let Some(first) = first else { return "none".into() };
    let text = |key: &[u8]| {
        first.get(key).ok().and_then(|v| v.as_str().ok()).map(|v| String::from_utf8_lossy(v).into_owned())
    };
    format!(
        "{} ({}), profile {} embedded",
        text(b"OutputConditionIdentifier").unwrap_or_default(),
        text(b"OutputCondition").unwrap_or_default(),
        condition.profile.as_deref().unwrap_or(crate::data::DEFAULT_PROFILE)
    )
}

/// The first page's TrimBox in millimetres, and what it is.
fn trim_size(doc: &Document, output: Output) -> String {
    let size = doc.get_pages().values().next().and_then(|&id| {
        let b = doc.get_dictionary(id).ok()?.get(b"TrimBox").ok()?.as_array().ok()?.clone();
        let n: Vec<f64> = b
            .iter()
            .filter_map(|o| o.as_float().ok().map(f64::from).or(o.as_i64().ok().map(|i| i as f64)))
            .collect();
        let mm = |pt: f64| (pt / 72.0 * 25.4 * 10.0).round() / 10.0;
        (n.len() == 4).then(|| (mm(n[2] - n[0]), mm(n[3] - n[1])))
    });
    let what = match (output.booklet(), output.paper()) {
        (true, _) => "A4 landscape sheets trimmed to two A5 pages",
        (false, Paper::A5) => "A5 pages",
        (false, Paper::A4) => "A4 pages",
    };
    size.map_or("unknown".into(), |(w, h)| format!("{w} × {h} mm ({what})"))
}

/// How many pages or sheets.
fn pages(count: usize, output: Output) -> String {
    if output.booklet() {
        format!("{count} sheet sides: {} sheets printed on both sides, {} A5 pages", count / 2, 2 * count)
    } else {
        format!("{count} (a multiple of 4: it can be saddle-stitched)")
    }
}

/// The inks used: process CMYK, and whatever else was found.
fn inks_used(inks: &[PageInk]) -> String {
    let rgb: Vec<&String> = inks.iter().flat_map(|p| &p.rgb).collect();
    let other: Vec<&String> = inks.iter().flat_map(|p| &p.unmeasured).collect();
    let mut s = String::from("process CMYK (DeviceCMYK, DeviceGray on the black plate)");
    if rgb.is_empty() {
        s.push_str("; no RGB");
    } else {
        let _ = write!(s, "; RGB found: {}", rgb.len());
    }
    if !other.is_empty() {
        let _ = write!(s, "; not measured: {}", other.len());
    }
    s + "; no spot colours"
}

/// The raster pictures: how many, in which colour spaces, and the lowest resolution at the
/// size they print.
fn pictures(inks: &[PageInk]) -> String {
    let all: Vec<(usize, &(String, f64))> =
        inks.iter().flat_map(|p| p.images.iter().map(move |i| (p.page, i))).collect();
    let Some((page, (_, lowest))) = all.iter().min_by(|a, b| a.1.1.total_cmp(&b.1.1)) else {
        return "none".into();
    };
    let spaces: std::collections::BTreeSet<&str> = all.iter().map(|(_, (s, _))| s.as_str()).collect();
    let spaces: Vec<&str> = spaces.into_iter().collect();
    let mut s = format!(
        "{} raster image{} in {}, converted to the output intent's CMYK from each picture's own profile; {lowest:.0} ppi or more at the printed size",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        spaces.join(", ")
    );
    if *lowest < crate::report::pictures::PRINT_MIN_PPI {
        let _ = write!(
            s,
            " (page {page}: under {:.0} ppi, it may print soft)",
            crate::report::pictures::PRINT_MIN_PPI
        );
    }
    s
}

/// The highest total ink of the file and per page, against the limit.
fn total_ink(inks: &[PageInk], limit: f64) -> String {
    let max = inks.iter().map(|p| p.max_total).fold(0.0f32, f32::max);
    let per_page: Vec<String> = inks.iter().map(|p| format!("{}: {:.0} %", p.page, p.max_total)).collect();
    format!("at most {max:.0} % (the limit is {limit:.0} %); per page {}", per_page.join(", "))
}

/// The fonts (without their subset prefix), and whether all are embedded.
fn fonts(doc: &Document) -> String {
    let fonts = crate::finish::pdfx::fonts(doc);
    let plain = |name: &str| name.split_once('+').map_or(name, |(_, n)| n).to_string();
    let names: std::collections::BTreeSet<String> = fonts.iter().map(|(n, _)| plain(n)).collect();
    let missing: Vec<String> = fonts.iter().filter(|(_, e)| !e).map(|(n, _)| plain(n)).collect();
    let list = names.into_iter().collect::<Vec<_>>().join(", ");
    if missing.is_empty() {
        format!("all embedded (subsets): {list}")
    } else {
        format!("NOT EMBEDDED: {}; all: {list}", missing.join(", "))
    }
}

/// The thinnest stroked line inside the bleed.
fn thinnest(inks: &[PageInk]) -> String {
    let thinnest = inks.iter().filter_map(|p| p.thinnest).fold(f64::INFINITY, f64::min);
    if thinnest.is_finite() { format!("{thinnest:.2} pt") } else { "no stroked lines".into() }
}

/// The creep applied, per sheet and at the innermost sheet.
fn creep(output: Output, sides: usize) -> String {
    let per = output.creep_mm();
    let sheets = sides / 2;
    let inner = per * sheets.saturating_sub(1) as f64;
    format!(
        "{per} mm per sheet toward the spine (0 on the outer sheet, {inner:.2} mm on the innermost, sheet {sheets}); the sheet number and its creep are printed in the slug"
    )
}

/// What to tell the print shop, in English.
fn instructions(output: Output, count: usize) -> Vec<String> {
    let mut steps = Vec::new();
    if output.booklet() {
        steps.push(format!("Print the {count} sides on {} A4 sheets, both sides, turning on the short edge (the sides are in printing order: sheet 1 front, sheet 1 back, …).", count / 2));
        steps.push("Collate the sheets in order, sheet 1 outside; trim each sheet to 296 × 210 mm at the crop marks.".into());
        steps.push("Fold in the middle (the fold mark is in the slug) and saddle-stitch with two staples on the fold.".into());
        steps.push("The inner sheets' pages are moved toward the spine (creep) so that the margins line up after the fore-edge is trimmed: do not compensate again.".into());
    } else {
        let paper = if output.paper() == Paper::A5 { "A5" } else { "A4" };
        steps.push(format!("Print on {paper}, with 3 mm bleed; trim at the crop marks (TrimBox)."));
        steps.push(format!("{count} pages, a multiple of 4: loose copies, or folded and saddle-stitched."));
    }
    steps.push("Colours are CMYK for the output intent above; black text is 100 % K. The profile is experimental: ask for a hard proof before the run, or send your own profile and condition (data/site.toml, [print]).".into());
    steps
}
