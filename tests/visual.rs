//! Pictures of pages where layout matters (the cover; the quote and key-figures box; the
//! update section, closing note and footnotes), compared with reference PNGs in
//! tests/snapshots/.
//! Rendering is deterministic, so any difference is a change in the layout: look at the
//! new picture (written next to the reference as `*.new.png`) and, if it is right, accept it
//! with `SNAPSHOTS=overwrite cargo test --release visual`.

use crate::common::*;

#[test]
fn milan_pages_look_as_approved() {
    let out = tempfile::tempdir().unwrap();
    must_succeed(&run(
        &repo(),
        &["render", "milan", "--lang", "en", "--png", "0.3", "-o", out.path().to_str().unwrap()],
    ));
    let changed: Vec<String> = ["01", "04", "14"]
        .iter()
        .filter_map(|page| {
            let name = format!("milan-en-{page}.png");
            snapshot(&name, &std::fs::read(out.path().join(&name)).unwrap())
        })
        .collect();
    assert!(changed.is_empty(), "pages differ from tests/snapshots/: {changed:?} (see the .new.png files)");
}
