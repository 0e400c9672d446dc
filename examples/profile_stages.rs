//! Where a batch spends its time: compile vs PDF export, per report, in one process, with the
//! reports in the order a build renders them (a city's languages together, its default
//! language first).
//!
//! `cargo run --release --example profile_stages -- ROOT [N]` (ROOT: a project, e.g. this
//! repository or one from `cityreport synth`); `CITY=slug` keeps one city; `AGE=n` sets the
//! comemo eviction age (default: the build's).

use std::time::Instant;

use cityreport::Project;
use cityreport::typeset::world::ReportWorld;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("ROOT"));
    let n: usize = args.next().map_or(usize::MAX, |s| s.parse().unwrap());
    let age: usize =
        std::env::var("AGE").map_or(cityreport::publish::build::EVICT_AGE, |a| a.parse().unwrap());
    let only = std::env::var("CITY").ok();
    let project = Project::open(&root).unwrap_or_else(|e| panic!("{e}"));
    let output = cityreport::Output::WEB;
    let (mut compile, mut export, mut count) = (0.0, 0.0, 0);
    let cities = project.cities().iter().filter(|c| only.as_ref().is_none_or(|o| o == *c));
    'outer: for slug in cities {
        let city = project.city(slug).unwrap();
        for lang in project.languages() {
            let report = project.report(&city, lang, output).unwrap_or_else(|e| panic!("{e}"));
            let files = report.files(&[]);
            let today = cityreport::typeset::render::today(&report).unwrap();
            let world = ReportWorld::new(project.shared().clone(), files, today);
            let t = Instant::now();
            let typeset = cityreport::typeset::render::typeset(&world).unwrap_or_else(|e| panic!("{e}"));
            let c = t.elapsed().as_secs_f64();
            let pages = typeset.document.pages().len();
            let t = Instant::now();
            let ident = format!("{slug}/{lang}");
            let standards = cityreport::typeset::render::standards(output.profile());
            let pdf = cityreport::typeset::render::export(&world, typeset, ident, today, standards)
                .unwrap_or_else(|e| panic!("{e}"));
            let e = t.elapsed().as_secs_f64();
            typst::comemo::evict(age);
            compile += c;
            export += e;
            count += 1;
            eprintln!(
                "{slug} {lang}: compile {:.0} ms, pdf {:.0} ms, {pages} pages, {} KB",
                c * 1e3,
                e * 1e3,
                pdf.pdf.len() / 1000
            );
            if count == n {
                break 'outer;
            }
        }
    }
    eprintln!(
        "mean over {count}: compile {:.1} ms, pdf {:.1} ms",
        compile / count as f64 * 1e3,
        export / count as f64 * 1e3
    );
}
