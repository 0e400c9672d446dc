//! `data/i18n/<lang>.toml` files: `model::Strings::parse` on the input (UTF-8 only), and every
//! error shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    cityreport_fuzz::fuzz_i18n(text);
});
