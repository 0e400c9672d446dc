//! The command line, part of the binary: [`args`] holds every flag as clap definitions,
//! [`commands`] turns them into library calls and prints what happened.
//!
//! May import: the whole library, through its public API.

pub mod args;
pub mod commands;
