//! Whole `<lang>.md` files: `model::parse_text` on the input, and on the input wrapped as a
//! front matter block (`+++` … `+++` and a minimal body) so the TOML paths are reached from any
//! input; every error shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    cityreport_fuzz::fuzz_front_matter(text);
    let wrapped = format!("+++\n{text}\n+++\n# T {{#abstract}}\n\ntext\n");
    cityreport_fuzz::fuzz_front_matter(&wrapped);
});
