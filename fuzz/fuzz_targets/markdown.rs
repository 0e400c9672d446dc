//! Markdown bodies, front-matter fields and closing notes: `markdown::convert_body`,
//! `convert_inline` and `convert_blocks` on the input (UTF-8 only), and every error shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    cityreport_fuzz::fuzz_markdown(text);
});
