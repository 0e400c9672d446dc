//! Watching a project for saves: a render now, then one after every burst of saves under
//! `data/`, `templates/` or `fonts/`, until told to stop.
//!
//! A burst (an editor writing a temporary file and renaming it, or saving several files) is
//! one change: the render starts once nothing has changed for [`QUIET`]. Saves during a render
//! wait in the channel and start a fresh render after it. Typst's caches are process-wide, so
//! they stay warm from one render to the next.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

/// How long the folders must be quiet before a render starts.
pub const QUIET: Duration = Duration::from_millis(30);

/// How often the loop looks at the stop flag while nothing happens.
const TICK: Duration = Duration::from_millis(100);

/// What changed since the last render.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// The files saved, created or removed.
    pub paths: Vec<PathBuf>,
    /// Whether a font file is among them (the fonts must be loaded again).
    pub fonts: bool,
}

/// Calls `render` with no changes, then with the changes of every burst of saves under
/// `root`'s `data/`, `templates/` and `fonts/`, until `stop` is set (checked between renders
/// and while waiting).
pub fn watch(root: &Path, stop: &AtomicBool, mut render: impl FnMut(&Changes)) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // The receiver only goes away when watching ends.
        let _ = tx.send(event);
    })
    .context("cannot watch the project's folders")?;
    let fonts = root.join("fonts");
    for dir in ["data", "templates", "fonts"] {
        let dir = root.join(dir);
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    render(&Changes::default());
    while !stop.load(Ordering::Relaxed) {
        let first = match rx.recv_timeout(TICK) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut changes = Changes::default();
        add(&mut changes, first, &fonts);
        while let Ok(event) = rx.recv_timeout(QUIET) {
            add(&mut changes, event, &fonts);
        }
        if !changes.paths.is_empty() && !stop.load(Ordering::Relaxed) {
            render(&changes);
        }
    }
    Ok(())
}

/// Adds the files of `event` that matter: saved, created or removed, not an editor's
/// hidden or backup file.
fn add(changes: &mut Changes, event: notify::Result<notify::Event>, fonts: &Path) {
    let Ok(event) = event else { return };
    if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)) {
        return;
    }
    for path in event.paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp") {
            continue;
        }
        changes.fonts |= path.starts_with(fonts);
        if !changes.paths.contains(&path) {
            changes.paths.push(path);
        }
    }
}
