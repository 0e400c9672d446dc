//! Pictures of pages where layout matters (the cover; the quote and key-figures box; the
//! update section, closing note and footnotes), compared with reference PNGs in
//! tests/snapshots/.
//! Rendering is deterministic, so any difference is a change in the layout: look at the
//! new picture (written next to the reference as `*.new.png`) and, if it is right, accept it
//! with `SNAPSHOTS=overwrite cargo test --release --test visual`.

mod common;

use common::*;

#[test]
fn milan_pages_look_as_approved() {
    let out = tempfile::tempdir().unwrap();
    must_succeed(&run(
        &repo(),
        &["render", "milan", "--lang", "en", "--png", "0.3", "-o", out.path().to_str().unwrap()],
    ));
    let snapshots = repo().join("tests/snapshots");
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let mut changed = Vec::new();
    for page in ["01", "04", "14"] {
        let name = format!("milan-en-{page}.png");
        let actual = std::fs::read(out.path().join(&name)).unwrap();
        let reference = snapshots.join(&name);
        if overwrite {
            std::fs::write(&reference, &actual).unwrap();
            continue;
        }
        match std::fs::read(&reference) {
            Ok(expected) if expected == actual => {}
            _ => {
                std::fs::write(snapshots.join(format!("milan-en-{page}.new.png")), &actual).unwrap();
                changed.push(name);
            }
        }
    }
    assert!(changed.is_empty(), "pages differ from tests/snapshots/: {changed:?} (see the .new.png files)");
}
