//! Figures, photos and tables, read back from the PDFs: a synthetic city (`cityreport synth
//! --pictures`: a cover photo, a photo, an SVG chart, a table of two pages) with three more
//! photos (one too small for print), a decorative ornament, and a German text that shows a
//! picture of its own. Web and archive pictures at 200 ppi of their printed size, print ones
//! at full resolution in CMYK, nothing RGB in a print file; figures across the measure with
//! their caption and credit under them; the cover photo in its box on the page picture; alt
//! texts and table headers in the structure tree; the header row repeated on the table's
//! second page; the web file's budget; a changed picture rebuilding exactly the reports that
//! show it; and every bad picture a located error with no PDF written.

use std::path::Path;
use std::sync::OnceLock;

use crate::common::ink::DrawnImage;
use crate::common::*;

const SLUG: &str = "synth-001";
/// The text's measure on A4 and A5, in points (136 mm, 118 mm).
const MEASURE_A4: f32 = 136.0 / 25.4 * 72.0;
const MEASURE_A5: f32 = 118.0 / 25.4 * 72.0;

/// A photo-like JPEG: smooth gradients under fine grain (grain is what keeps a camera's JPEG
/// large), different for each `seed`.
fn photo(path: &Path, seed: u32, width: u32, height: u32) {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = (state % 40) as f32 - 20.0;
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let c = |base: f32, a: f32, b: f32| (base + a * fx + b * fy + grain).clamp(0.0, 255.0) as u8;
        image::Rgb([c(40.0, 180.0, 20.0), c(200.0, -120.0, 30.0), c(90.0, 40.0, 120.0)])
    });
    image.save(path).unwrap();
}

/// The project (kept for the test binary's life) and the folder of its built files.
struct Built {
    root: tempfile::TempDir,
    out: tempfile::TempDir,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().to_str().unwrap();
        must_succeed(&run(&repo(), &["synth", dir, "--cities", "1", "--langs", "en,de", "--pictures"]));
        add_pictures(root.path());
        let out = tempfile::tempdir().unwrap();
        let o = out.path().to_str().unwrap();
        for profile in ["web", "archive", "print"] {
            must_succeed(&run(root.path(), &["build", "--profile", profile, "-o", o]));
        }
        must_succeed(&run(root.path(), &["build", "--profile", "print", "--paper", "a5", "-o", o]));
        Built { root, out }
    })
}

/// Three more photos in the English text (the last one 900 pixels across: soft in print), a
/// decorative ornament, and a German update section with a chart of its own.
fn add_pictures(root: &Path) {
    let city = root.join("data/cities").join(SLUG);
    photo(&city.join("market.jpg"), 7, 3200, 2100);
    photo(&city.join("school.webp"), 8, 3000, 2000);
    photo(&city.join("small.jpg"), 9, 900, 600);
    image::RgbaImage::from_pixel(400, 40, image::Rgba([245, 85, 17, 160]))
        .save(city.join("ornament.png"))
        .unwrap();
    std::fs::write(city.join("update-de.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 200\"><rect width=\"400\" height=\"200\" fill=\"#FAF11A\"/></svg>\n").unwrap();
    let en = city.join("en.md");
    let text = std::fs::read_to_string(&en).unwrap().replacen(
        "# {#update}",
        "![Stalls of the Saturday market on the river bank](market.jpg \"The Saturday market\")\n\n![A classroom of the language school](school.webp)\n\n![](ornament.png)\n\n![A welcome desk with two volunteers](small.jpg \"The welcome desk\")\n\n# {#update}",
        1,
    );
    std::fs::write(&en, text).unwrap();
    let de = city.join("de.md");
    let text = std::fs::read_to_string(&de).unwrap()
        + "\n# {#update}\n\n- Neu im Jahr 2023: ein Zentrum für Neuankömmlinge.\n\n![Ein gelbes Feld: die Zahl der Plätze blieb gleich](update-de.svg \"Plätze 2023\")\n";
    std::fs::write(&de, text).unwrap();
    let credits = "\n[images.\"market.jpg\"]\ncredit = \"Photo: A. Fotografin, CC BY 4.0\"\n\n[images.\"school.webp\"]\ncredit = { en = \"Photo: the city, all rights reserved\", de = \"Foto: die Stadt, alle Rechte vorbehalten\" }\n\n[images.\"small.jpg\"]\ncredit = \"Photo: a volunteer\"\n\n[images.\"ornament.png\"]\ndecorative = true\n\n[images.\"update-de.svg\"]\ncredit = { en = \"Source: the city\", de = \"Quelle: die Stadt\" }\n";
    let toml = city.join("city.toml");
    std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap() + credits).unwrap();
}

fn pdf(name: &str) -> Pdf {
    Pdf::new(std::fs::read(built().out.path().join(name)).unwrap())
}

/// The page (0-based) whose text holds `needle`, and the images it draws.
fn page_with(pdf: &Pdf, needle: &str) -> (usize, Vec<DrawnImage>) {
    let page = *pdf.pages_with(needle).first().unwrap_or_else(|| panic!("no page has {needle:?}"));
    (page, pdf.images(page))
}

#[test]
fn web_and_archive_pictures_are_200_ppi_at_their_printed_size() {
    for name in [format!("{SLUG}-en.pdf"), format!("{SLUG}-en-archive.pdf"), format!("{SLUG}-de.pdf")] {
        let pdf = pdf(&name);
        let cover = pdf.images(0);
        assert_eq!(cover.len(), 1, "{name}: the cover draws one photo: {cover:?}");
        let mut all = cover.clone();
        for caption in ["The town hall square", "The Saturday market"] {
            let (_, images) = page_with(&pdf, caption);
            assert!(!images.is_empty(), "{name}: no image beside {caption:?}");
            all.extend(images);
        }
        // Those with more pixels than 200 ppi needs (not the ornament, nor the small photo).
        for image in all.iter().filter(|i| i.pixels.0 > 1000) {
            let (x, y) = image.ppi();
            // Downsampled to 200 ppi, not below (a rounding of a pixel): sharp, and small.
            assert!(
                (195.0..=200.5).contains(&x) && (195.0..=200.5).contains(&y),
                "{name}: {image:?} is {x:.0} × {y:.0} ppi"
            );
            assert_eq!(image.filter, "DCTDecode", "{name}: an opaque photo is a JPEG: {image:?}");
            assert!(!image.colour_space.contains("CMYK"), "{name}: {image:?}");
        }
    }
}

#[test]
fn print_pictures_keep_their_pixels_in_cmyk_and_nothing_prints_in_rgb() {
    for name in [format!("{SLUG}-de-print.pdf"), format!("{SLUG}-en-print-a5.pdf")] {
        let pdf = pdf(&name);
        let cover = pdf.images(0);
        assert_eq!(cover.iter().map(|i| i.pixels).collect::<Vec<_>>(), [(4000, 2667)], "{name}");
        let (_, square) = page_with(&pdf, "The town hall square");
        assert_eq!(square.iter().map(|i| i.pixels).collect::<Vec<_>>(), [(3000, 2000)], "{name}");
        for image in cover.iter().chain(&square) {
            assert_eq!(
                (image.colour_space.as_str(), image.filter.as_str()),
                ("DeviceCMYK", "DCTDecode"),
                "{name}: {image:?}"
            );
        }
        // The SVG chart's orange bars and black axis: converted to CMYK, the axis black ink alone.
        let ops = pdf.colour_operators();
        let rgb: Vec<_> = ops
            .iter()
            .filter(|(op, v)| op == "rg" || op == "RG" || (op.starts_with(['s', 'S']) && v.len() == 3))
            .collect();
        assert!(rgb.is_empty(), "{name} paints in RGB: {rgb:?}");
        let (chart, _) = page_with(&pdf, "Arrivals by year");
        let page_ops = pdf.page_operators(chart).join(" ");
        assert!(
            page_ops.contains("0.00 0.00 0.00 1.00 K 2.00 w"),
            "{name}: the chart's axis is not 100 % K: {page_ops}"
        );
        let preflight =
            std::fs::read_to_string(built().out.path().join(format!("{name}.preflight.txt"))).unwrap();
        assert!(preflight.contains("no RGB"), "{preflight}");
        // The report names the pictures and the lowest resolution (the ornament, 400 pixels across).
        assert!(preflight.contains("raster images in DeviceCMYK"), "{preflight}");
        let lowest = if name.ends_with("-a5.pdf") { "86 ppi" } else { "75 ppi" };
        assert!(preflight.contains(&format!("{lowest} or more at the printed size (page")), "{preflight}");
    }
    assert!(!pdf(&format!("{SLUG}-en.pdf")).colour_operators().iter().any(|(op, _)| op == "k"));
}

#[test]
fn a_figure_fills_the_measure_with_its_caption_and_credit_under_it() {
    for (name, measure) in
        [(format!("{SLUG}-en.pdf"), MEASURE_A4), (format!("{SLUG}-en-print-a5.pdf"), MEASURE_A5)]
    {
        let pdf = pdf(&name);
        let (page, images) = page_with(&pdf, "The town hall square");
        let image = &images[0];
        assert!(
            (image.rect[2] - measure).abs() < 0.6,
            "{name}: the figure is {} pt wide, the measure {measure}",
            image.rect[2]
        );
        let runs = pdf.runs(page);
        // The text's left edge on pages of the same side (a print file's margins alternate).
        let body_left = (2..pdf.pages.len())
            .filter(|p| p % 2 == page % 2)
            .flat_map(|p| pdf.runs(p))
            .filter(|r| !r.artifact && r.font.ends_with("NotoSerif-Regular") && r.size > 9.9 && r.size < 11.5)
            .map(|r| r.x)
            .fold(f32::MAX, f32::min);
        assert!(
            (image.rect[0] - body_left).abs() < 1.0,
            "{name}: the figure starts at {}, the text at {body_left}",
            image.rect[0]
        );
        let line = |start: &str| {
            runs.iter()
                .find(|r| r.text.starts_with(start))
                .unwrap_or_else(|| panic!("{name}: no {start:?}: {runs:?}"))
        };
        let (caption, credit) = (line("The town hall square"), line("Photo: Synthetic Photographer"));
        let below = image.rect[1] - caption.y;
        assert!((4.0..16.0).contains(&below), "{name}: the caption is {below} pt under the picture");
        assert!(credit.y < caption.y && caption.y - credit.y < 14.0, "{name}: {caption:?} {credit:?}");
        assert!((caption.x - image.rect[0]).abs() < 1.0 && credit.size < caption.size, "{name}");
    }
    // A credit in the language of the part that shows the picture: German in the German
    // update, English in the English section a German report falls back to.
    let de = pdf(&format!("{SLUG}-de.pdf"));
    assert!(de.has("Quelle: die Stadt") && de.has("Photo: the city, all rights reserved"));
    assert!(!de.has("Foto: die Stadt"));
}

#[test]
fn the_cover_photo_sits_in_its_box_on_the_page_picture() {
    let pdf = pdf(&format!("{SLUG}-en.pdf"));
    let mm = |v: f32| v / 72.0 * 25.4;
    let image = &pdf.images(0)[0];
    // The photo fills its box, 174 mm wide between the cover's margins (cropped to its middle).
    let (left, right) = (mm(image.rect[0]), mm(image.rect[0] + image.rect[2]));
    assert!(left <= 18.1 && right >= 191.9, "{left}–{right} mm");
    let credit = pdf
        .runs(0)
        .into_iter()
        .find(|r| r.text.starts_with("Photo: Synthetic"))
        .expect("the cover credits its photo");
    assert!(
        mm(credit.x) > 100.0 && mm(credit.x) < 192.0,
        "the credit is set right, under the photo: {credit:?}"
    );
    // The page picture shows the photo in its box: the middle of the box has the photo's
    // colour (the synthetic cover is a gradient with grain), the band under the title white.
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    must_succeed(&run(built().root.path(), &["render", SLUG, "--lang", "en", "-o", o, "--png", "1"]));
    let page = image::open(out.path().join(format!("{SLUG}-en-01.png"))).unwrap().to_rgb8();
    let px = |x_mm: f32, y_mm: f32| *page.get_pixel((x_mm / 25.4 * 72.0) as u32, (y_mm / 25.4 * 72.0) as u32);
    let top_mm = 297.0 - mm(image.rect[1] + image.rect[3]).max(0.0);
    let box_middle = px(105.0, (top_mm + 297.0 - mm(image.rect[1])) / 2.0);
    let source =
        image::open(built().root.path().join("data/cities").join(SLUG).join("cover.jpg")).unwrap().to_rgb8();
    let expected = *source.get_pixel(source.width() / 2, source.height() / 2);
    for c in 0..3 {
        assert!(
            (i32::from(box_middle[c]) - i32::from(expected[c])).abs() < 40,
            "{box_middle:?} ≠ {expected:?}"
        );
    }
    assert_eq!(px(30.0, 270.0 - 40.0), image::Rgb([255, 255, 255]), "under the tagline the cover is white");
}

#[test]
fn alt_texts_and_table_headers_are_in_the_structure_tree() {
    for name in [format!("{SLUG}-en.pdf"), format!("{SLUG}-de-archive.pdf")] {
        let tagged = pdf(&name).tagged();
        let figures: Vec<String> = tagged
            .elements()
            .into_iter()
            .filter(|e| e.role == "Figure")
            .map(|e| e.alt.clone().unwrap_or_default())
            .collect();
        for alt in [
            "A street of the city centre",
            "A bar chart of arrivals by year",
            "A square at dusk",
            "A classroom of the language school",
        ] {
            assert!(
                figures.iter().any(|f| f.starts_with(alt)),
                "{name}: no figure says {alt:?}: {figures:?}"
            );
        }
        // The ornament is an artifact: no figure without words.
        assert!(figures.iter().all(|f| !f.trim().is_empty()), "{name}: {figures:?}");
        let roles = tagged.roles();
        let count = |role: &str| roles.iter().filter(|r| *r == role).count();
        assert!(
            count("Table") == 1 && count("TH") >= 4 && count("TD") >= 60 * 4,
            "{name}: {} TH, {} TD",
            count("TH"),
            count("TD")
        );
    }
    let tagged = pdf(&format!("{SLUG}-de.pdf")).tagged();
    assert!(tagged.elements().iter().any(|e| e.role == "Figure"
        && e.alt.as_deref() == Some("Ein gelbes Feld: die Zahl der Plätze blieb gleich")));
}

#[test]
fn a_table_repeats_its_header_row_on_its_second_page() {
    let pdf = pdf(&format!("{SLUG}-en.pdf"));
    let first = pdf.pages_with("District 1 ")[0];
    let last = pdf.pages_with("District 60")[0];
    assert_eq!(last, first + 1, "the 60 rows take two pages");
    for page in [first, last] {
        let runs = pdf.runs(page);
        let header = runs
            .iter()
            .find(|r| r.text == "Arrivals")
            .unwrap_or_else(|| panic!("page {page} has no header row"));
        let rows: Vec<_> = runs.iter().filter(|r| r.text.starts_with("District ")).collect();
        assert!(rows.iter().all(|r| r.y < header.y), "page {page}: a row above its header");
        // Numbers are aligned to the right of their column: the ends line up.
        let places: Vec<f32> = runs.iter().filter(|r| r.text.ends_with(" %")).map(|r| r.x).collect();
        assert!(
            places.windows(2).any(|w| (w[0] - w[1]).abs() > 1.0),
            "page {page}: the shares all start at one x, not aligned right"
        );
    }
}

#[test]
fn a_web_file_with_five_photos_stays_within_its_budget() {
    let size = std::fs::metadata(built().out.path().join(format!("{SLUG}-en.pdf"))).unwrap().len();
    let photos = pdf(&format!("{SLUG}-en.pdf"))
        .doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image".as_slice())
            })
        })
        .count();
    assert!(photos >= 6, "{photos} images (five photos and the ornament)");
    assert!(size <= 1_500_000, "the web file is {size} bytes");
    let print = std::fs::metadata(built().out.path().join(format!("{SLUG}-en-print.pdf"))).unwrap().len();
    assert!(print > 4 * size, "the print file keeps the photos' pixels: {print} bytes");
}

#[test]
fn a_print_file_warns_of_a_photo_too_small_for_print() {
    let out = tempfile::tempdir().unwrap();
    let o = run(
        built().root.path(),
        &["render", SLUG, "--lang", "en", "--profile", "print", "-o", out.path().to_str().unwrap()],
    );
    must_succeed(&o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("small.jpg is 168 ppi at its printed size"), "{stderr}");
    assert!(!stderr.contains("square.jpg is"), "{stderr}");
}

#[test]
fn a_changed_picture_rebuilds_exactly_the_reports_that_show_it() {
    let root = tempfile::tempdir().unwrap();
    copy_project(built().root.path(), root.path());
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let build = || {
        let result = run(root.path(), &["build", "-o", o]);
        must_succeed(&result);
        String::from_utf8_lossy(&result.stderr).into_owned()
    };
    assert!(build().contains("2 built"));
    assert!(build().contains("0 built, 2 unchanged"));
    // Only the German text shows this chart.
    let city = root.path().join("data/cities").join(SLUG);
    std::fs::write(city.join("update-de.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 200\"><rect width=\"400\" height=\"200\" fill=\"#F94AE7\"/></svg>\n").unwrap();
    let second = build();
    assert!(second.contains("1 built, 1 unchanged"), "{second}");
    // Both show the square (German falls back to the English section holding it).
    photo(&city.join("square.jpg"), 99, 3000, 2000);
    assert!(build().contains("2 built, 0 unchanged"));
}

/// Copies a project folder, its templates and fonts links too.
fn copy_project(from: &Path, to: &Path) {
    copy_dir(&from.join("data"), &to.join("data"));
    for link in ["templates", "fonts"] {
        std::os::unix::fs::symlink(std::fs::read_link(from.join(link)).unwrap(), to.join(link)).unwrap();
    }
}

/// A copy of the project with `edit` applied to the city's folder, checked and built: both
/// fail, saying `says` at `at` (`en.md:12`), and no PDF is written.
#[track_caller]
fn refused(edit: impl FnOnce(&Path), says: &str, at: &str) {
    let root = tempfile::tempdir().unwrap();
    copy_project(built().root.path(), root.path());
    edit(&root.path().join("data/cities").join(SLUG));
    let check = must_fail(&run(root.path(), &["check"]));
    assert!(check.contains(says) && check.contains(at), "check says:\n{check}");
    let out = tempfile::tempdir().unwrap();
    let build = must_fail(&run(root.path(), &["build", "-o", out.path().to_str().unwrap()]));
    assert!(build.contains(says), "build says:\n{build}");
    let pdfs: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert!(pdfs.is_empty(), "{pdfs:?}");
}

fn edit_text(city: &Path, file: &str, from: &str, to: &str) {
    let path = city.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The square photo's place given to the file `name` holding `bytes`.
fn square_as(city: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(city.join(name), bytes).unwrap();
    edit_text(city, "en.md", "](square.jpg", &format!("]({name}"));
    edit_text(city, "city.toml", "[images.\"square.jpg\"]", &format!("[images.\"{name}\"]"));
}

#[test]
fn every_bad_picture_is_a_located_error_and_no_pdf_is_written() {
    let square = "![A square at dusk with people walking past the town hall](square.jpg";
    refused(
        |c| edit_text(c, "en.md", square, "![](square.jpg"),
        "the picture `square.jpg` has no alt text",
        "en.md:",
    );
    refused(
        |c| {
            edit_text(
                c,
                "city.toml",
                "[images.\"square.jpg\"]\ncredit = \"Photo: Synthetic Photographer, CC BY 4.0\"\n",
                "",
            )
        },
        "the picture `square.jpg` has no credit",
        "en.md:",
    );
    refused(
        |c| edit_text(c, "en.md", "](square.jpg", "](squares.jpg"),
        "the picture `squares.jpg` is neither in",
        "en.md:",
    );
    refused(
        |c| edit_text(c, "en.md", "](square.jpg", "](../milan/square.jpg"),
        "is not the name of a file",
        "en.md:",
    );
    refused(
        |c| {
            edit_text(
                c,
                "en.md",
                "# {#update}",
                "A line with ![a picture](square.jpg) inside it.\n\n# {#update}",
            )
        },
        "a picture inside a line of text",
        "en.md:",
    );
    // A JPEG named as a PNG.
    refused(
        |c| square_as(c, "square.png", &std::fs::read(c.join("square.jpg")).unwrap()),
        "square.png is a JPEG file, but its name says otherwise",
        "en.md:",
    );
    // A PNG whose header claims 50 000 × 50 000 pixels: refused before anything is decoded.
    refused(
        |c| {
            let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            png.extend(50_000u32.to_be_bytes());
            png.extend(50_000u32.to_be_bytes());
            png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
            square_as(c, "huge.png", &png);
        },
        "is 50000 × 50000 pixels",
        "en.md:",
    );
    // A truncated photo: its header is sound, its pixels are not all there.
    refused(
        |c| {
            let bytes = std::fs::read(c.join("square.jpg")).unwrap();
            std::fs::write(c.join("square.jpg"), &bytes[..bytes.len() / 3]).unwrap();
        },
        "square.jpg cannot be read",
        "square.jpg",
    );
    // A gradient in an SVG: fine on the web, refused for print, at the figure.
    let root = tempfile::tempdir().unwrap();
    copy_project(built().root.path(), root.path());
    let chart = root.path().join("data/cities").join(SLUG).join("arrivals.svg");
    let svg = std::fs::read_to_string(&chart).unwrap().replace("<g fill=\"#F55511\">", "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#F55511\"/></linearGradient></defs>\n  <g fill=\"url(#g)\">");
    std::fs::write(&chart, svg).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    must_succeed(&run(root.path(), &["render", SLUG, "--lang", "en", "-o", o]));
    let print =
        must_fail(&run(root.path(), &["render", SLUG, "--lang", "en", "--profile", "print", "-o", o]));
    assert!(
        print.contains("en.md:51:1")
            && print
                .contains("arrivals.svg holds a <linearGradient> (line 3), which a print file cannot take"),
        "{print}"
    );
    assert!(!out.path().join(format!("{SLUG}-en-print.pdf")).exists());
    refused(
        |c| std::fs::write(c.join("arrivals.svg"), "<svg viewBox=\"0 0 10 10\"><rect></svg>").unwrap(),
        "is not a well-formed SVG",
        "arrivals.svg",
    );
}

#[test]
fn alt_texts_and_captions_are_text_to_translate() {
    let root = tempfile::tempdir().unwrap();
    copy_project(built().root.path(), root.path());
    let city = root.path().join("data/cities").join(SLUG);
    must_succeed(&run(root.path(), &["translate", SLUG, "--to", "de"]));
    // The English sections come into the German file with their pictures, to translate.
    let de = std::fs::read_to_string(city.join("de.md")).unwrap();
    let square = "![A square at dusk with people walking past the town hall](square.jpg \"The town hall square, where the reception office opened in 2019\")";
    assert!(de.contains(square) && de.contains("](arrivals.svg \"Arrivals by year\")"), "{de}");
    // The translator translates section 4 (its alt text and caption) and takes it off the list.
    let translated = de
        .replace(square, "![Ein Platz in der Dämmerung vor dem Rathaus](square.jpg \"Der Rathausplatz\")")
        .replace("\"advocacy\", ", "")
        .replace(", \"advocacy\"", "");
    std::fs::write(city.join("de.md"), translated).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    must_succeed(&run(root.path(), &["render", SLUG, "--lang", "de", "-o", o]));
    let pdf = Pdf::new(std::fs::read(out.path().join(format!("{SLUG}-de.pdf"))).unwrap());
    assert!(pdf.has("Der Rathausplatz"));
    let alts: Vec<String> = pdf.tagged().elements().iter().filter_map(|e| e.alt.clone()).collect();
    assert!(alts.iter().any(|a| a == "Ein Platz in der Dämmerung vor dem Rathaus"), "{alts:?}");
    // Then the English alt text changes: the German section is outdated.
    edit_text(&city, "en.md", "![A square at dusk", "![A square at night");
    let check = run(root.path(), &["check", SLUG]);
    must_succeed(&check);
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("synth-001 de: section 4 is outdated: en changed since it was translated"),
        "{said}"
    );
}

#[test]
fn a_table_too_wide_for_the_text_is_an_error_at_the_table_saying_by_how_much() {
    let root = tempfile::tempdir().unwrap();
    copy_project(built().root.path(), root.path());
    let en = root.path().join("data/cities").join(SLUG).join("en.md");
    let text = std::fs::read_to_string(&en).unwrap();
    let years: Vec<String> = (2010..2020).map(|y| format!("Year {y}")).collect();
    let table = format!(
        "| {} |\n|{}\n| {} |\n\n",
        years.join(" | "),
        "---|".repeat(10),
        ["1,234,567,890"; 10].join(" | ")
    );
    let at = text.find("# {#update}").unwrap();
    let line = text[..at].lines().count() + 1;
    std::fs::write(&en, format!("{}{table}{}", &text[..at], &text[at..])).unwrap();
    let out = tempfile::tempdir().unwrap();
    let said =
        must_fail(&run(root.path(), &["render", SLUG, "--lang", "en", "-o", out.path().to_str().unwrap()]));
    assert!(said.contains("text is beyond the text area (by "), "{said}");
    assert!(said.contains(&format!("en.md:{line}:1")), "not at the table's line {line}:\n{said}");
}
