//! Pictures of pages where layout matters (the cover; the key-figures box; the update
//! section's end, the closing note and footnotes), compared with reference PNGs in
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
    let pdf = Pdf::new(std::fs::read(out.path().join("milan-en.pdf")).unwrap());
    let figures = pdf.pages_with("Key figures")[0] + 1;
    let pages = [("cover", 1), ("figures", figures), ("closing", pdf.pages.len())];
    let changed: Vec<String> = pages
        .iter()
        .filter_map(|(what, page)| {
            let picture = std::fs::read(out.path().join(format!("milan-en-{page:02}.png"))).unwrap();
            snapshot(&format!("milan-en-{what}.png"), &picture)
        })
        .collect();
    assert!(changed.is_empty(), "pages differ from tests/snapshots/: {changed:?} (see the .new.png files)");
}
