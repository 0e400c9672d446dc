//! The typesetting stage: a [`Report`](crate::report::contract::Report) through the Typst
//! templates to laid-out pages, proofed, and exported as PDF.
//!
//! [`world`] is the sandboxed Typst World (templates, the report's JSON, `data/`, [`fonts`]);
//! [`render`] compiles and exports; [`paginate`] asks for page breaks where a footnote leaves
//! a line alone; [`proof`] checks every laid-out page; [`prepare`] prepares each picture for
//! the kind of file.
//!
//! May import: `report`, `data`, `diagnostics`.

pub mod fonts;
pub mod paginate;
pub mod prepare;
pub mod proof;
pub mod render;
pub mod world;
