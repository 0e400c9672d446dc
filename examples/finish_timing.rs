//! How long finishing takes: each report of a project typeset and exported as a print file
//! (A4), then finished ([`cityreport::finish::finish`]: read once, PDF/X-4, one update, the
//! preflight report) `RUNS` times; the median per report, in one process.
//!
//! `cargo run --release --example finish_timing -- ROOT [RUNS]`; `CITY=slug` keeps one city.

use std::time::Instant;

use cityreport::Project;
use cityreport::finish::{Finishing, Print, finish};
use cityreport::report::output::{Output, Paper, Profile};
use cityreport::typeset::render;
use cityreport::typeset::world::ReportWorld;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("ROOT"));
    let runs: usize = args.next().map_or(9, |s| s.parse().unwrap());
    let only = std::env::var("CITY").ok();
    let project = Project::open(&root).unwrap_or_else(|e| panic!("{e}"));
    let output = Output::new(Profile::Print, Some(Paper::A4), false).unwrap();
    let print = Print::of(&project.data().site.print, project.shared().output_profile());
    let mut medians = Vec::new();
    for slug in project.cities().iter().filter(|c| only.as_ref().is_none_or(|o| o == *c)) {
        let city = project.city(slug).unwrap_or_else(|e| panic!("{e}"));
        for lang in project.languages() {
            let report = project.report(&city, lang, output).unwrap_or_else(|e| panic!("{e}"));
            let today = render::today(&report).unwrap();
            let shared = project.shared();
            let (pictures, _) = cityreport::typeset::prepare::serve(
                &report.pictures,
                output.profile(),
                shared.output_profile(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let world = ReportWorld::new(shared.clone(), report.files(&[]), today).with_pictures(&pictures);
            let typeset = render::typeset(&world).unwrap_or_else(|e| panic!("{e}"));
            let exported = render::export(&world, typeset, format!("{slug}/{lang}"), today, &[])
                .unwrap_or_else(|e| panic!("{e}"));
            let file = output.file_name(slug, lang);
            let job = Finishing { file: &file, output, print: Some(print) };
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let pdf = exported.pdf.clone();
                    let t = Instant::now();
                    let finished = finish(pdf, &job).unwrap_or_else(|e| panic!("{e:#}"));
                    std::hint::black_box(finished);
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_by(f64::total_cmp);
            let median = times[runs / 2];
            eprintln!(
                "{slug} {lang}: finish {median:.1} ms (median of {runs}), {} KB",
                exported.pdf.len() / 1000
            );
            medians.push(median);
        }
    }
    medians.sort_by(f64::total_cmp);
    eprintln!("median over {} reports: {:.1} ms", medians.len(), medians[medians.len() / 2]);
}
