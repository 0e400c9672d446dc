//! Colours as a press and a reader see them: the four inks of a CMYK colour, and the relative
//! luminance and contrast ratio of WCAG 2.

use typst::visualize::{Color, ProcessColor};

/// The inks of a CMYK colour (0 to 1 each), or `None` for a colour of another space.
pub fn inks(colour: &Color) -> Option<[f64; 4]> {
    match colour {
        Color::Process(ProcessColor::Cmyk(c)) => Some([c.c, c.m, c.y, c.k].map(f64::from)),
        _ => None,
    }
}

/// Whether the colour is registration (every ink at full strength): the colour of crop marks,
/// printed on every plate.
pub fn is_registration(colour: &Color) -> bool {
    inks(colour).is_some_and(|i| i.iter().all(|&v| v >= 0.99))
}

/// The total ink of a CMYK colour, in percent.
pub fn total_ink(inks: [f64; 4]) -> f64 {
    inks.iter().sum::<f64>() * 100.0
}

/// How many inks a CMYK colour prints with.
pub fn ink_count(inks: [f64; 4]) -> usize {
    inks.iter().filter(|&&v| v > 0.005).count()
}

/// The strongest ink of a CMYK colour, in percent (the tint a thin rule is screened at).
pub fn strongest_ink(inks: [f64; 4]) -> f64 {
    inks.iter().copied().fold(0.0, f64::max) * 100.0
}

/// The relative luminance of a colour (WCAG 2: 0 for black, 1 for white), from its sRGB value.
pub fn luminance(colour: &Color) -> f64 {
    let [r, g, b, _] = Color::Process(ProcessColor::Rgb(colour.to_rgb())).to_vec4();
    let lin = |c: f32| {
        let c = f64::from(c);
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The contrast ratio of two luminances (WCAG 2: 1 to 21).
pub fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::visualize::Rgb;

    fn rgb(hex: u32) -> Color {
        let c = |s: u32| ((hex >> s) & 0xff) as f32 / 255.0;
        Color::Process(ProcessColor::Rgb(Rgb::new(c(16), c(8), c(0), 1.0)))
    }

    #[test]
    fn contrast_follows_wcag() {
        let white = luminance(&rgb(0xffffff));
        let black = luminance(&rgb(0x000000));
        assert!((contrast(white, black) - 21.0).abs() < 0.01);
        // The site's red on white: 3.39, below the 4.5 small text needs.
        assert!((contrast(luminance(&rgb(0xF55511)), white) - 3.39).abs() < 0.01);
        assert!((contrast(luminance(&rgb(0x555555)), white) - 7.46).abs() < 0.01);
    }

    #[test]
    fn inks_of_a_process_colour() {
        let red =
            Color::Process(ProcessColor::Cmyk(typst::visualize::Cmyk { c: 0.0, m: 0.75, y: 0.95, k: 0.0 }));
        let i = inks(&red).unwrap();
        assert_eq!(ink_count(i), 2);
        assert!((total_ink(i) - 170.0).abs() < 0.01);
        assert!((strongest_ink(i) - 95.0).abs() < 0.01);
        assert!(!is_registration(&red));
        assert!(inks(&rgb(0xff0000)).is_none());
    }
}
