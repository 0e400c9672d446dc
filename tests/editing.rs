//! What editors and the web team use beside the PDFs: the covers' pictures for the website.

use crate::common::*;

/// `build --thumbnails` writes a picture of each cover next to its PDF: a PNG 480 pixels wide
/// (or as asked), listed in the manifest, the same bytes on every build.
#[test]
fn thumbnails_are_pictures_of_the_covers() {
    let project = project_from("tiny");
    let (a, b) = (project.path().join("a"), project.path().join("b"));
    must_succeed(&run(project.path(), &["build", "--thumbnails", "-o", a.to_str().unwrap()]));
    must_succeed(&run(project.path(), &["build", "--thumbnails", "-o", b.to_str().unwrap()]));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["reports"].as_array().unwrap();
    assert!(entries.len() >= 2, "{manifest:#}");
    for entry in entries {
        let pdf = entry["file"].as_str().unwrap();
        let png = entry["thumbnail"].as_str().unwrap_or_else(|| panic!("no thumbnail for {pdf}"));
        assert_eq!(png, pdf.replace(".pdf", ".png"));
        let bytes = std::fs::read(a.join(png)).unwrap();
        assert_eq!(bytes, std::fs::read(b.join(png)).unwrap(), "{png} differs between two builds");
        let picture = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap().to_rgb8();
        // A4's proportions at 480 pixels.
        assert_eq!((picture.width(), picture.height()), (480, 679), "{png}");
        // The cover: the black band at the foot, the yellow diamond at the top right, white
        // paper at the top left.
        assert_eq!(picture.get_pixel(240, 670).0, [0, 0, 0], "{png}: no band");
        let yellow = picture.get_pixel(470, 10).0;
        assert!(yellow[0] > 200 && yellow[1] > 200 && yellow[2] < 80, "{png}: no diamond: {yellow:?}");
        assert_eq!(picture.get_pixel(5, 5).0, [255, 255, 255], "{png}");
        assert!(bytes.len() < 40_000, "{png}: {} bytes", bytes.len());
    }
    // Another width is another picture; without the flag the manifest has none.
    let c = project.path().join("c");
    must_succeed(&run(project.path(), &["build", "--thumbnails", "240", "-o", c.to_str().unwrap()]));
    let small = image::open(c.join("tiny-en.png")).unwrap();
    assert_eq!((small.width(), small.height()), (240, 339));
    must_succeed(&run(project.path(), &["build", "-o", c.to_str().unwrap()]));
    let manifest = std::fs::read_to_string(c.join("manifest.json")).unwrap();
    assert!(!manifest.contains("thumbnail"), "{manifest}");
}
