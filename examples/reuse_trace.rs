//! What Typst lays out again for a report after other reports of its city: the work its
//! memoisation could not reuse, counted with Typst's own timing events (a memoised call that
//! hits records none).
//!
//! `cargo run --release --example reuse_trace -- ROOT CITY LANG [BEFORE…]` renders CITY in the
//! BEFORE languages (default: the site's default language), then LANG with Typst's timer on,
//! and prints per timed Typst function how often it ran and for how long, and per template
//! line the blocks and boxes laid out. `-` as BEFORE: a cold start; LANG itself as BEFORE
//! (`… milan it it`): a second typesetting of the same report. A LANG or BEFORE ending in
//! `.json` is a file of report JSON (`export-data`, edited to try one difference).

use std::collections::BTreeMap;

use cityreport::Project;
use cityreport::typeset::world::ReportWorld;
use typst::{World, WorldExt};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("ROOT"));
    let slug = args.next().expect("CITY");
    let lang = args.next().expect("LANG");
    let project = Project::open(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut before: Vec<String> = args.collect();
    if before.is_empty() {
        before.push(project.data().site.default_language.clone());
    }
    // `-`: nothing before (a cold start).
    before.retain(|l| l != "-");
    let city = project.city(&slug).unwrap_or_else(|e| panic!("{e}"));
    // A language, or a file of report JSON (dated like the report in the default language, with
    // its notes).
    let default = &project.data().site.default_language;
    let world_for = |lang: &str| {
        let file = lang.ends_with(".json");
        let report = project
            .report(&city, if file { default } else { lang }, cityreport::Output::WEB)
            .unwrap_or_else(|e| panic!("{e}"));
        // A file replaces the report's JSON; the notes stay the default language report's.
        let mut files = report.files(&[]);
        if file {
            files[0].1 = std::fs::read(lang).unwrap_or_else(|e| panic!("{lang}: {e}"));
        }
        ReportWorld::new(
            project.shared().clone(),
            files,
            cityreport::typeset::render::today(&report).unwrap(),
        )
    };
    for l in &before {
        cityreport::typeset::render::typeset(&world_for(l)).unwrap_or_else(|e| panic!("{e}"));
    }
    let world = world_for(&lang);
    typst_timing::clear();
    typst_timing::enable();
    let start = std::time::Instant::now();
    cityreport::typeset::render::typeset(&world).unwrap_or_else(|e| panic!("{e}"));
    let total = start.elapsed();
    typst_timing::disable();

    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |raw| {
        let span = typst::syntax::Span::from_raw(raw);
        let Some(id) = span.id() else { return ("?".into(), 0) };
        let file = id.vpath().get_without_slash().to_string();
        let line = world
            .source(id)
            .ok()
            .zip(world.range(span))
            .map_or(0, |(s, r)| cityreport::diagnostics::line_column(s.text(), r.start).0 as u32);
        (file, line)
    })
    .unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    // Durations from begin/end pairs, per thread; a nested call counts in its caller too.
    let mut stacks: BTreeMap<u64, Vec<(String, Option<String>, f64)>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut by_place: BTreeMap<String, usize> = BTreeMap::new();
    // The introspection passes ("iter (n)"), to tell what each of them laid out again.
    let mut passes: Vec<(String, f64, f64)> = Vec::new();
    let mut open: BTreeMap<String, f64> = BTreeMap::new();
    for e in events.iter().filter(|e| e["name"].as_str().is_some_and(|n| n.starts_with("iter"))) {
        let (name, ts) = (e["name"].as_str().unwrap().to_string(), e["ts"].as_f64().unwrap_or(0.0));
        if e["ph"] == "B" {
            open.insert(name, ts);
        } else if let Some(start) = open.remove(&name) {
            passes.push((name, start, ts));
        }
    }
    let pass_of = |ts: f64| passes.iter().find(|p| p.1 <= ts && ts <= p.2).map_or("-", |p| p.0.as_str());
    let mut by_pass: BTreeMap<String, usize> = BTreeMap::new();
    let mut pass_names: BTreeMap<(String, String), (usize, f64)> = BTreeMap::new();
    for e in &events {
        let tid = e["tid"].as_u64().unwrap_or(0);
        let ts = e["ts"].as_f64().unwrap_or(0.0);
        let name = e["name"].as_str().unwrap_or("?").to_string();
        let place = e["args"]["file"].as_str().map(|f| format!("{f}:{}", e["args"]["line"]));
        if e["ph"] == "B" {
            stacks.entry(tid).or_default().push((name, place, ts));
        } else if let Some((name, place, start)) = stacks.entry(tid).or_default().pop() {
            let entry = by_name.entry(name.clone()).or_default();
            entry.0 += 1;
            entry.1 += ts - start;
            let entry = pass_names.entry((pass_of(start).to_string(), name.clone())).or_default();
            entry.0 += 1;
            entry.1 += ts - start;
            if let Some(place) = place.filter(|p| p.starts_with("templates/")) {
                *by_place.entry(format!("{name} at {place}")).or_default() += 1;
                *by_pass.entry(format!("{} {name} at {place}", pass_of(start))).or_default() += 1;
            }
        }
    }
    println!("{slug} {lang} after {}: typeset in {:.1} ms", before.join(", "), total.as_secs_f64() * 1e3);
    println!("\n{:>6} {:>10}  timed function", "calls", "ms");
    let mut names: Vec<_> = by_name.into_iter().collect();
    names.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    for (name, (count, micros)) in names {
        println!("{count:>6} {:>10.1}  {name}", micros / 1e3);
    }
    println!("\n{:>6}  laid out again at", "calls");
    let mut places: Vec<_> = by_place.into_iter().collect();
    places.sort_by_key(|p| std::cmp::Reverse(p.1));
    for (place, count) in places.iter().take(25) {
        println!("{count:>6}  {place}");
    }
    println!("\n{:>6} {:>10}  timed function, by introspection pass", "calls", "ms");
    for ((pass, name), (count, micros)) in pass_names.iter().filter(|p| p.1.1 > 300.0) {
        println!("{count:>6} {:>10.1}  {pass}: {name}", micros / 1e3);
    }
    println!("\n{:>6}  laid out again, by introspection pass", "calls");
    for (place, count) in by_pass.iter().filter(|p| *p.1 > 1) {
        println!("{count:>6}  {place}");
    }
}
