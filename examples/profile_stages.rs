//! Where a batch spends its time: compile vs PDF export, per report, in one process.
//! `cargo run --release --example profile_stages -- ROOT [N]` (ROOT from `cityreport synth`);
//! `AGE=n` sets the comemo eviction age (default 8).

use std::time::Instant;

use cityreport::Project;
use cityreport::world::ReportWorld;
use typst::foundations::Datetime;
use typst_layout::PagedDocument;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("ROOT"));
    let n: usize = args.next().map_or(20, |s| s.parse().unwrap());
    let age: usize = std::env::var("AGE").map_or(8, |a| a.parse().unwrap());
    let project = Project::open(&root).unwrap_or_else(|e| panic!("{e}"));
    let (mut compile, mut export, mut count) = (0.0, 0.0, 0);
    'outer: for slug in project.cities() {
        let city = project.city(slug).unwrap();
        for lang in project.languages() {
            let report = project.report(&city, lang, cityreport::Output::WEB);
            let json = cityreport::render::report_json(&report);
            let date = Datetime::from_ymd(2023, 1, 1).unwrap();
            let world = ReportWorld::new(project.shared().clone(), json, date);
            let t = Instant::now();
            let doc = typst::compile::<PagedDocument>(&world).output.unwrap();
            let c = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).unwrap();
            let e = t.elapsed().as_secs_f64();
            typst::comemo::evict(age);
            compile += c;
            export += e;
            count += 1;
            eprintln!(
                "{slug} {lang}: compile {:.0} ms, pdf {:.0} ms, {} pages, {} KB",
                c * 1e3,
                e * 1e3,
                doc.pages().len(),
                pdf.len() / 1000
            );
            if count == n {
                break 'outer;
            }
        }
    }
    eprintln!(
        "mean over {count}: compile {:.0} ms, pdf {:.0} ms",
        compile / count as f64 * 1e3,
        export / count as f64 * 1e3
    );
}
