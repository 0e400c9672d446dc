//! The report stage: one city in one language, as the data the templates receive.
//!
//! [`localize`] picks each part's language (the default language's where a translation has
//! none, marked), fills the fixed strings and formats numbers and dates; [`typography`] keeps
//! words together where a line must not break; [`output`] is the kind of file a report is
//! made as (profile, paper, booklet), which the templates receive too.
//!
//! May import: `data`, `diagnostics`.

pub mod localize;
pub mod output;
pub mod typography;
