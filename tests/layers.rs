//! The layers ARCHITECTURE.md describes, kept true: each stage's module documentation says
//! what it may import (`May import: …`), and this test reads those lines and every `crate::`
//! path in the library's code (tests apart), and fails on an import the lines do not allow,
//! on a stage without the line, and on modules that import each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo;

/// Every Rust file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The stage a file of `src/` belongs to: its folder, or the file's own name at the top.
fn stage_of(file: &Path) -> String {
    let relative = file.strip_prefix(repo().join("src")).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    match first.as_str() {
        "main.rs" => "cli".into(),
        other => other.trim_end_matches(".rs").into(),
    }
}

/// The file's module path in the crate, e.g. `report::contract`.
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(repo().join("src")).unwrap().with_extension("");
    let parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    parts.into_iter().filter(|p| p != "mod").collect::<Vec<_>>().join("::")
}

/// The code of a file that is not a test: up to its `#[cfg(test)]` module, without comments.
/// A file of tests (`tests.rs`) has none.
fn code(file: &Path) -> Vec<String> {
    if file.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        if !code.trim().is_empty() {
            lines.push(code.to_string());
        }
    }
    lines
}

/// The `crate::a::b` paths in `lines`, as `a::b` (the first two names at most).
fn crate_paths(lines: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in lines {
        for (at, _) in line.match_indices("crate::") {
            // `cityreport::` or `some_crate::` are other names ending in `crate`.
            if line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &line[at + 7..];
            let names: Vec<&str> = rest
                .split("::")
                .map(|n| n.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default())
                .take_while(|n| !n.is_empty())
                .take(2)
                .collect();
            if !names.is_empty() {
                out.insert(names.join("::"));
            }
        }
    }
    out
}

/// The stage a `crate::` path leads to: a folder, `project`, or a name the crate's root
/// re-exports.
fn stage_of_path(path: &str) -> String {
    let first = path.split("::").next().unwrap();
    match first {
        "Project" | "Selection" | "Shard" | "OpenError" => "project".into(),
        "Diagnostic" | "Diagnostics" => "diagnostics".into(),
        "Report" | "Output" => "report".into(),
        "Rendered" => "typeset".into(),
        other => other.into(),
    }
}

/// What each stage's documentation allows it to import, read from its `May import:` line.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for file in rust_files(&repo().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(line) = text.lines().find(|l| l.starts_with("//! May import:")) else { continue };
        let names: BTreeSet<String> = line.split('`').skip(1).step_by(2).map(str::to_string).collect();
        let stage = stage_of(&file);
        assert!(out.insert(stage.clone(), names).is_none(), "{stage} has two `May import:` lines");
    }
    out
}

#[test]
fn every_stage_imports_only_what_its_documentation_allows() {
    let allowed = allowed();
    let mut wrong = Vec::new();
    for file in rust_files(&repo().join("src")) {
        let stage = stage_of(&file);
        if stage == "lib" || stage == "cli" {
            // The crate's root declares the stages; the command line may use the whole library.
            continue;
        }
        let Some(may) = allowed.get(&stage) else {
            wrong.push(format!("{stage}: its module documentation has no `May import:` line"));
            continue;
        };
        for path in crate_paths(&code(&file)) {
            let to = stage_of_path(&path);
            if to != stage && !may.contains(&to) {
                wrong.push(format!("{}: crate::{path} ({to} is not in its `May import:`)", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports the layers do not allow:\n{}", wrong.join("\n"));
}

#[test]
fn the_stages_are_layered_without_a_circle() {
    let allowed = allowed();
    // A stage may import only stages that do not import it back, directly or not.
    for (stage, may) in &allowed {
        let mut stack: Vec<&String> = may.iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            assert_ne!(next, stage, "{stage} may import a stage that may import {stage}");
            if seen.insert(next) {
                stack.extend(allowed.get(next).into_iter().flatten());
            }
        }
    }
}

#[test]
fn no_two_modules_import_each_other() {
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = rust_files(&repo().join("src"));
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    for file in &files {
        let from = module_of(file);
        for path in crate_paths(&code(file)) {
            // The module the path names (its first two names, or the stage's root module).
            let to =
                if modules.contains(&path) { path } else { path.split("::").next().unwrap().to_string() };
            if to != from && modules.contains(&to) {
                imports.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    let mut circles = Vec::new();
    for (a, tos) in &imports {
        for b in tos {
            if a < b && imports.get(b).is_some_and(|back| back.contains(a)) {
                circles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(circles.is_empty(), "modules that import each other:\n{}", circles.join("\n"));
}

#[test]
fn the_checks_find_a_forbidden_import_and_a_circle() {
    // The readers this test relies on, shown on lines made to break the rules.
    let lines =
        vec!["use crate::publish::outdir::write_atomic;".to_string(), "x = crate::Project::open(p);".into()];
    let paths = crate_paths(&lines);
    assert_eq!(paths, BTreeSet::from(["publish::outdir".to_string(), "Project::open".to_string()]));
    assert_eq!(stage_of_path("Project::open"), "project");
    let ignored = vec!["let c = cityreport::data::load();".to_string()];
    assert!(crate_paths(&ignored).is_empty());
    let data = allowed().remove("data").expect("data has a `May import:` line");
    assert!(!data.contains("publish") && !data.contains("project"));
}
