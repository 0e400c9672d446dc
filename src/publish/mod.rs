//! Publishing many reports: [`build`] selects cities and languages, skips what is unchanged,
//! renders the rest in parallel and writes each file; `schedule` orders a batch for Typst's
//! memoisation, `inputs` hashes what each report is made from; [`outdir`] owns the output
//! folder (its lock, `manifest.json`); [`check`] is `Project::check`: the data, the pictures,
//! and every kind of file typeset without writing it, remembering what passed by the same
//! inputs hash.
//!
//! May import: `project`, `make`, `finish`, `typeset`, `report`, `data`, `diagnostics`.

pub mod build;
pub mod check;
mod inputs;
pub mod outdir;
mod schedule;
