//! The editors' and translators' tools: [`watch`] renders again after every save,
//! [`scaffold`] starts a city (`cityreport new`), [`translate`] brings a translation up to
//! date with the default language.
//!
//! May import: `report`, `data`, `diagnostics`.

pub mod scaffold;
pub mod translate;
pub mod watch;
