//! Each picture prepared for the kind of file: for the web and archive files, a raster
//! picture downsampled to [`WEB_PPI`] at its printed size and recompressed, in sRGB; for a print
//! file, at its full resolution, converted by Little CMS from its own colour profile (or sRGB)
//! to the printing condition's CMYK and written as a CMYK JPEG, with a warning below
//! [`PRINT_MIN_PPI`]. SVG pictures are served as they are (a print file's finish converts
//! their colours; see `finish::pdfx`).
//!
//! A picture is decoded and converted once per process for each size and kind of file it is
//! needed in (a city's seven languages share it): [`prepare`] keeps what it made, by the
//! file's hash.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex, OnceLock};

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use typst::foundations::Bytes;

use crate::data::{ImageFile, ImageKind, MAX_PIXELS};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::report::contract::Picture;
use crate::report::output::Profile;
use crate::report::pictures::{PRINT_MIN_PPI, WEB_PPI};

/// The JPEG quality of a web file's photos: no artefacts a reader sees at 200 ppi.
const WEB_QUALITY: u8 = 82;
/// The JPEG quality of a print file's CMYK photos: as a print shop's own export.
const PRINT_QUALITY: u8 = 92;

/// A picture as a file holds it: the bytes Typst reads, and a warning about it.
#[derive(Clone)]
struct Prepared {
    bytes: Bytes,
    warning: Option<String>,
}

/// What a picture is prepared for: the pixels it may keep (web) or the print profile (print).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Purpose {
    Web { max: (u32, u32) },
    Print { profile: u64 },
}

type Slot = Arc<OnceLock<Result<Prepared, String>>>;

/// Everything prepared in this process, by the file's hash and what it was prepared for.
fn cache() -> &'static Mutex<HashMap<(String, Purpose), Slot>> {
    static CACHE: OnceLock<Mutex<HashMap<(String, Purpose), Slot>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The pictures' files a World serves (path and bytes), and the warnings about them.
pub type Served = (Vec<(String, Bytes)>, Vec<Diagnostic>);

/// The files a report's World serves for its `pictures` as a `profile` file (`icc`: the
/// printing condition's profile), with the warnings about them. A picture that cannot be
/// decoded fails the report, named at the place in the data that shows it.
pub fn serve(pictures: &[Picture], profile: Profile, icc: &[u8]) -> Result<Served, Diagnostics> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    // The profile's bytes are hashed once for the report, not for each picture.
    let purpose_icc = (profile == Profile::Print && !pictures.is_empty()).then(|| icc_key(icc));
    for picture in pictures {
        match prepare(picture, purpose_icc, icc) {
            Ok(p) => {
                if let Some(w) = p.warning {
                    warnings.push(located(picture, w).warning());
                }
                files.push((picture.path.clone(), p.bytes));
            }
            Err(e) => errors.push(located(picture, e)),
        }
    }
    if errors.is_empty() { Ok((files, warnings)) } else { Err(Diagnostics(errors)) }
}

/// A message about `picture`, at the place in the data that shows it.
fn located(picture: &Picture, message: String) -> Diagnostic {
    let o = &picture.origin;
    Diagnostic::at(&o.path, &o.text, o.range.clone(), message)
}

/// Checks that `file` decodes, as `check` does for every picture (`build` decodes it again at
/// the size each file needs).
pub fn verify(file: &ImageFile) -> Result<(), String> {
    match file.kind {
        ImageKind::Svg => verify_svg(file),
        _ => decode(file).map(drop),
    }
}

/// `picture` prepared for a print file whose profile `icc` has the key `print` (`None`: for
/// the web), from the cache when it was prepared before.
fn prepare(picture: &Picture, print: Option<u64>, icc: &[u8]) -> Result<Prepared, String> {
    let file = &picture.file;
    let purpose = match print {
        Some(profile) => Purpose::Print { profile },
        None => {
            let px = |mm: f64| (mm / 25.4 * WEB_PPI).ceil() as u32;
            Purpose::Web { max: (px(picture.printed.0), px(picture.printed.1)) }
        }
    };
    let slot = {
        let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        cache.entry((file.hash.clone(), purpose.clone())).or_default().clone()
    };
    let made = slot.get_or_init(|| match (&purpose, file.kind) {
        (_, ImageKind::Svg) => verify_svg(file)
            .and_then(
                |()| if matches!(purpose, Purpose::Print { .. }) { svg_for_print(file) } else { Ok(()) },
            )
            .map(|()| Prepared { bytes: Bytes::new(file.bytes.to_vec()), warning: None }),
        (Purpose::Web { max }, _) => for_web(file, *max),
        (Purpose::Print { .. }, _) => for_print(file, icc),
    });
    let mut made = made.clone()?;
    if print.is_some()
        && let Some((w, _)) = file.pixels
    {
        let ppi = f64::from(w) / (picture.printed.0 / 25.4);
        if ppi < PRINT_MIN_PPI {
            made.warning = Some(format!(
                "{} is {ppi:.0} ppi at its printed size ({:.0} mm wide); print asks for {PRINT_MIN_PPI:.0} ppi or more, so it may print soft: a file of {} pixels across or more prints sharp",
                file.shown.display(),
                picture.printed.0,
                (picture.printed.0 / 25.4 * PRINT_MIN_PPI).ceil()
            ));
        }
    }
    Ok(made)
}

/// A short key for a profile's bytes.
fn icc_key(icc: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    icc.hash(&mut h);
    h.finish()
}

/// A decoded picture: its pixels (turned upright as its EXIF orientation says) and its
/// colour profile, if it has one.
struct Decoded {
    image: DynamicImage,
    icc: Option<Vec<u8>>,
}

/// Decodes a raster picture within the limits of the data stage.
fn decode(file: &ImageFile) -> Result<Decoded, String> {
    let damaged = |e: image::ImageError| format!("{} cannot be read: {e}", file.shown.display());
    // The JPEG decoder fills a file cut short with grey rather than failing.
    if file.kind == ImageKind::Jpeg && !jpeg_is_whole(&file.bytes) {
        return Err(format!(
            "{} cannot be read: the file is cut short (it stops before the JPEG's end marker)",
            file.shown.display()
        ));
    }
    let mut reader = ImageReader::new(Cursor::new(&file.bytes[..]))
        .with_guessed_format()
        .map_err(|e| damaged(e.into()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(crate::data::MAX_SIDE);
    limits.max_image_height = Some(crate::data::MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let icc = decoder.icc_profile().ok().flatten();
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok(Decoded { image, icc })
}

/// Whether a JPEG's segments run on to its end-of-image marker: each marker segment is
/// skipped by its length (an EXIF thumbnail inside one is skipped whole), the entropy-coded
/// data after each start-of-scan up to the next marker.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        match marker {
            0xD9 => return true,
            0xFF => at += 1,
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
                at += 2 + length;
                if marker == 0xDA {
                    // Entropy-coded data: up to a marker that is not a stuffed 0xFF00 or a restart.
                    while at + 1 < bytes.len()
                        && !(bytes[at] == 0xFF
                            && bytes[at + 1] != 0
                            && !(0xD0..=0xD7).contains(&bytes[at + 1]))
                    {
                        at += 1;
                    }
                }
            }
        }
    }
    bytes.len() >= at + 2 && bytes[at..at + 2] == [0xFF, 0xD9]
}

/// An SVG must be well-formed XML: Typst would refuse it in the template.
fn verify_svg(file: &ImageFile) -> Result<(), String> {
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|_| format!("{} is not UTF-8 text, as an SVG must be", file.shown.display()))?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| format!("{} is not a well-formed SVG: {e}", file.shown.display()))?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(format!(
            "{} is not an SVG: its first element is `{}`",
            file.shown.display(),
            doc.root_element().tag_name().name()
        ));
    }
    // A picture inside an SVG must be inside it (`data:`): one that names another file (a path,
    // `file:`, a web address) is not read, and Typst would refuse the SVG in the template.
    let href = |n: &roxmltree::Node| {
        n.attributes().find(|a| a.name() == "href").map(|a| a.value().trim().to_string())
    };
    let outside = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "image")
        .find_map(|n| href(&n).filter(|h| !h.to_ascii_lowercase().starts_with("data:")).map(|h| (n, h)));
    if let Some((node, h)) = outside {
        return Err(format!(
            "{} draws the file `{h}` (line {}): an SVG must hold its pictures itself",
            file.shown.display(),
            doc.text_pos_at(node.range().start).row
        ));
    }
    Ok(())
}

/// What of an SVG a print file cannot take: Typst draws gradients, patterns and pictures
/// inside an SVG in RGB, and only flat fills and strokes are converted to CMYK afterwards
/// (`finish::pdfx`).
fn svg_for_print(file: &ImageFile) -> Result<(), String> {
    let text = std::str::from_utf8(&file.bytes).unwrap_or_default();
    let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let refused = ["linearGradient", "radialGradient", "pattern", "image", "filter", "mask"];
    match doc.descendants().find(|n| refused.contains(&n.tag_name().name())) {
        Some(node) => Err(format!(
            "{} holds a <{}> (line {}), which a print file cannot take: its colours would stay RGB",
            file.shown.display(),
            node.tag_name().name(),
            doc.text_pos_at(node.range().start).row
        )),
        None => Ok(()),
    }
}

/// A web (or archive) file's picture: in sRGB, at most `max` pixels, as JPEG (opaque) or PNG
/// (with transparency).
fn for_web(file: &ImageFile, max: (u32, u32)) -> Result<Prepared, String> {
    let Decoded { mut image, icc } = decode(file)?;
    let alpha = image.color().has_alpha();
    if let Some(icc) = icc {
        image = to_srgb(image, &icc)?;
    }
    if image.width() > max.0 || image.height() > max.1 {
        // Twice as large or more (a camera's photo): averaged over each target pixel's area,
        // three times faster than a Catmull-Rom filter (0.2 s for 11 megapixels) and as sharp
        // at this ratio; closer sizes through Catmull-Rom.
        image = if image.width() >= 2 * max.0 || image.height() >= 2 * max.1 {
            image.thumbnail(max.0, max.1)
        } else {
            image.resize(max.0, max.1, image::imageops::FilterType::CatmullRom)
        };
    }
    let mut out = Vec::new();
    if alpha {
        image
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, WEB_QUALITY);
        if image.color().has_color() {
            image.to_rgb8().write_with_encoder(encoder).map_err(|e| e.to_string())?;
        } else {
            image.to_luma8().write_with_encoder(encoder).map_err(|e| e.to_string())?;
        }
    }
    Ok(Prepared { bytes: Bytes::new(out), warning: None })
}

/// `image` converted from its profile `icc` to sRGB (an unreadable or non-RGB profile is
/// taken as sRGB).
fn to_srgb(image: DynamicImage, icc: &[u8]) -> Result<DynamicImage, String> {
    let Ok(source) = lcms2::Profile::new_icc(icc) else { return Ok(image) };
    if source.color_space() != lcms2::ColorSpaceSignature::RgbData || !image.color().has_color() {
        return Ok(image);
    }
    let srgb = lcms2::Profile::new_srgb();
    let transform = lcms2::Transform::<[u8; 4], [u8; 4]>::new(
        &source,
        lcms2::PixelFormat::RGBA_8,
        &srgb,
        lcms2::PixelFormat::RGBA_8,
        lcms2::Intent::Perceptual,
    )
    .map_err(|e| format!("cannot convert the picture's colours: {e}"))?;
    let mut rgba = image.to_rgba8();
    let pixels: &mut [[u8; 4]] = bytemuck_cast(&mut rgba);
    transform.transform_in_place(pixels);
    Ok(DynamicImage::ImageRgba8(rgba))
}

/// A print file's picture: full resolution, transparency flattened on white paper, in the
/// printing condition's CMYK (a grey picture stays grey: black ink only) as JPEG.
fn for_print(file: &ImageFile, icc: &[u8]) -> Result<Prepared, String> {
    let Decoded { image, icc: own } = decode(file)?;
    let (w, h) = (image.width(), image.height());
    let mut out = Vec::new();
    if !image.color().has_color() {
        let grey = on_white(&image);
        let grey = DynamicImage::ImageRgb8(grey).to_luma8();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, PRINT_QUALITY);
        grey.write_with_encoder(encoder).map_err(|e| e.to_string())?;
        return Ok(Prepared { bytes: Bytes::new(out), warning: None });
    }
    let rgb = on_white(&image);
    let source = own
        .and_then(|p| lcms2::Profile::new_icc(&p).ok())
        .filter(|p| p.color_space() == lcms2::ColorSpaceSignature::RgbData)
        .unwrap_or_else(lcms2::Profile::new_srgb);
    let target =
        lcms2::Profile::new_icc(icc).map_err(|e| format!("the print profile cannot be read: {e}"))?;
    let transform = lcms2::Transform::<[u8; 3], [u8; 4]>::new(
        &source,
        lcms2::PixelFormat::RGB_8,
        &target,
        lcms2::PixelFormat::CMYK_8,
        lcms2::Intent::Perceptual,
    )
    .map_err(|e| format!("cannot convert the picture to the print profile's CMYK: {e}"))?;
    let mut rgb = rgb;
    let src: &mut [[u8; 3]] = bytemuck_cast(&mut rgb);
    let mut cmyk = vec![[0u8; 4]; src.len()];
    transform.transform_pixels(src, &mut cmyk);
    let flat = cmyk.as_flattened();
    let (w16, h16) = (u16::try_from(w).map_err(|_| "too wide")?, u16::try_from(h).map_err(|_| "too high")?);
    jpeg_encoder::Encoder::new(&mut out, PRINT_QUALITY)
        .encode(flat, w16, h16, jpeg_encoder::ColorType::Cmyk)
        .map_err(|e| format!("cannot write the CMYK picture: {e}"))?;
    Ok(Prepared { bytes: Bytes::new(out), warning: None })
}

/// The picture's colours with any transparency flattened on white.
fn on_white(image: &DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(px[3]);
        for c in 0..3 {
            out[c] = ((u16::from(px[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    rgb
}

/// The pixels of an 8-bit image buffer as `N`-byte pixels.
fn bytemuck_cast<const N: usize>(buffer: &mut [u8]) -> &mut [[u8; N]] {
    let (pixels, rest) = buffer.as_chunks_mut::<N>();
    debug_assert!(rest.is_empty());
    pixels
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_jpeg_cut_short_is_found() {
        let mut jpeg = Vec::new();
        let image = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
        image.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)).unwrap();
        assert!(super::jpeg_is_whole(&jpeg));
        assert!(!super::jpeg_is_whole(&jpeg[..jpeg.len() * 2 / 3]));
        assert!(!super::jpeg_is_whole(&jpeg[..jpeg.len() - 1]));
    }
}
