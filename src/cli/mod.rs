//! The command line, part of the binary: [`args`] holds every flag as clap definitions,
//! [`commands`] turns them into library calls and prints what happened.
//!
//! May import: the whole library, through its public API.

/// Prints a line to stderr; a closed stderr (`… 2>&1 | head -1`) ends the messages, not the
/// work: the batch goes on and the exit status still says how it went.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Prints a line to stdout, quietly dropped when stdout is closed (see [`say!`]).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

pub mod args;
pub mod commands;
