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

/// The stage a file of `src` belongs to: its folder, or the file's own name at the top.
fn stage_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    match first.as_str() {
        "main.rs" => "cli".into(),
        other => other.trim_end_matches(".rs").into(),
    }
}

/// The file's module path in the crate, e.g. `report::contract`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
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
fn allowed(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for file in rust_files(src) {
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(line) = text.lines().find(|l| l.starts_with("//! May import:")) else { continue };
        let names: BTreeSet<String> = line.split('`').skip(1).step_by(2).map(str::to_string).collect();
        let stage = stage_of(src, &file);
        assert!(out.insert(stage.clone(), names).is_none(), "{stage} has two `May import:` lines");
    }
    out
}

/// The imports of the crate whose sources are in `src` that its `May import:` lines do not
/// allow, and the stages without such a line.
fn forbidden_imports(src: &Path) -> Vec<String> {
    let allowed = allowed(src);
    let mut wrong = Vec::new();
    for file in rust_files(src) {
        let stage = stage_of(src, &file);
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
    wrong
}

/// The stages of `src` that may import a stage that may import them back.
fn circles_of_stages(src: &Path) -> Vec<String> {
    let allowed = allowed(src);
    let mut circles = Vec::new();
    for (stage, may) in &allowed {
        let mut stack: Vec<&String> = may.iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == stage {
                circles.push(stage.clone());
                break;
            }
            if seen.insert(next) {
                stack.extend(allowed.get(next).into_iter().flatten());
            }
        }
    }
    circles
}

/// The pairs of modules of `src` that import each other.
fn modules_importing_each_other(src: &Path) -> Vec<String> {
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = rust_files(src);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    for file in &files {
        let from = module_of(src, file);
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
    circles
}

#[test]
fn every_stage_imports_only_what_its_documentation_allows() {
    let wrong = forbidden_imports(&repo().join("src"));
    assert!(wrong.is_empty(), "imports the layers do not allow:\n{}", wrong.join("\n"));
}

#[test]
fn the_stages_are_layered_without_a_circle() {
    let circles = circles_of_stages(&repo().join("src"));
    assert!(circles.is_empty(), "stages that may import themselves through others: {circles:?}");
}

#[test]
fn no_two_modules_import_each_other() {
    let circles = modules_importing_each_other(&repo().join("src"));
    assert!(circles.is_empty(), "modules that import each other:\n{}", circles.join("\n"));
}

#[test]
fn the_checks_fire_on_a_tree_made_to_break_them() {
    // A small crate of three stages: data may import nothing but diagnostics, yet names
    // publish; report and publish may import each other; two report modules import each other.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let file = src.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    };
    write("diagnostics.rs", "//! May import: nothing.\n");
    write(
        "data/mod.rs",
        "//! May import: `diagnostics`.\nuse crate::publish::outdir::write_atomic;\n// crate::report in a comment\n#[cfg(test)]\nmod tests { use crate::Project; }\n",
    );
    write("report/mod.rs", "//! May import: `data`, `publish`.\npub mod a;\npub mod b;\n");
    write("report/a.rs", "use crate::report::b::X;\n");
    write("report/b.rs", "use crate::report::a::Y;\nlet s = cityreport::publish::x;\n");
    write("publish/mod.rs", "//! May import: `report`, `data`.\npub mod outdir;\n");
    write("publish/outdir.rs", "fn f() { crate::Project::open(); }\n");
    let wrong = forbidden_imports(src);
    assert_eq!(wrong.len(), 2, "{wrong:#?}");
    assert!(wrong[0].contains("crate::publish::outdir (publish is not in"), "{wrong:#?}");
    assert!(wrong[1].contains("crate::Project::open (project is not in"), "{wrong:#?}");
    assert_eq!(circles_of_stages(src), ["publish", "report"]);
    assert_eq!(modules_importing_each_other(src), ["report::a <-> report::b"]);
}
