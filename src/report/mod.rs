//! The report stage: one city in one language, as the data the templates receive.
//!
//! [`localize`] picks each part's language (the default language's where a translation has
//! none, marked) and assembles the [`contract::Report`], the whole of what the templates
//! receive; [`contract`] also names every file, label and function both sides share.
//! [`footnotes`] keys each note and places notes cited across languages, [`format`] fills
//! placeholders and formats numbers, [`qr`] draws the back cover's code, [`typography`] keeps
//! words together where a line must not break; [`output`] is the kind of file a report is
//! made as (profile, paper, booklet), which the templates receive too; [`pictures`] sizes the
//! figures and the cover photo.
//!
//! May import: `data`, `diagnostics`.

pub mod bundle;
pub mod contract;
pub mod footnotes;
pub mod format;
pub mod localize;
pub mod output;
pub mod pictures;
pub mod qr;
pub mod typography;
