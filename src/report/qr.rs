//! The QR code on the print back cover, as rows the template draws.

/// The QR code of `text` as rows of `1` (dark) and `0` (light) modules.
pub fn qr_rows(text: &str) -> Vec<String> {
    // Medium error correction; a web address is far below the largest QR code's capacity, so
    // encoding cannot fail for the addresses site.toml allows (checked there).
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M);
    let Ok(code) = code else { return Vec::new() };
    let width = code.width();
    code.to_colors()
        .chunks(width)
        .map(|row| row.iter().map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' }).collect())
        .collect()
}
