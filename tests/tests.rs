//! The black-box tests: they run the `cityreport` binary on project folders and read the PDFs
//! it produces. One test binary with a module per feature (as ripgrep does), so CI links once.

mod accessibility;
mod bad_input;
mod batch;
mod check_build;
mod common;
mod contract;
mod corpus;
mod editing;
mod hardening;
mod hostile;
mod injection;
mod languages;
mod layers;
mod milan_en;
mod pages;
mod pictures;
mod prepress;
mod print;
mod standards;
mod visual;
