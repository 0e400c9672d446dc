//! The output folder: one build at a time (a lock), every file written atomically, and
//! `manifest.json` kept true at every instant while files land.
//!
//! The website trusts the manifest for download sizes and cache busting, so it must never
//! describe a file that is not there or not what it says, even if a build is killed at any
//! point. The protocol for each new file: write it to a temporary file beside its target;
//! take its old entry out of the manifest (written atomically); rename the file into place;
//! put the new entry in (written atomically). Killed anywhere in between, the manifest lists
//! only files that match it; the file whose entry was taken out is rebuilt next time. Files
//! that are ready together go through these steps together, so the manifest is written twice
//! per batch rather than per file.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::{temporary, write_atomic};
use crate::report::contract::Coverage;
use crate::report::output::{Paper, Profile};

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";
/// The lock a build holds on its output folder.
pub const LOCK: &str = ".cityreport.lock";

/// The manifest entry of one complete PDF: what the website needs to link to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The city's slug.
    pub city: String,
    /// The report's language.
    pub lang: String,
    /// `web` or `print` (older manifests have no profile: they list web files).
    #[serde(default)]
    pub profile: Profile,
    /// The trimmed page size of a print file (`a4`, `a5`); a booklet's pages are A5 on A4 sheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<Paper>,
    /// Whether the file is a booklet (A5 pages imposed on A4 sheets for saddle stitching).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub booklet: bool,
    /// The PDF's title.
    pub title: String,
    /// The file's name in the output folder.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its number of pages.
    pub pages: usize,
    /// The SHA-256 of the file, in hex (for caches).
    pub sha256: String,
    /// Hash of everything the report was made from; unchanged inputs mean an unchanged PDF.
    pub inputs: String,
    /// How much of the report is in its own language.
    pub coverage: Coverage,
    /// The cover's picture for the website (`build --thumbnails`), next to the PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// A print file's preflight report for the print shop (`<file>.preflight.txt`), next to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preflight: Option<String>,
}

/// `manifest.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The tool and its version that wrote the manifest.
    pub generator: String,
    /// Sorted by city, language, then file.
    pub reports: Vec<Entry>,
}

/// An output folder held by this build.
pub struct OutDir {
    path: PathBuf,
    /// Held for as long as the build runs; the OS releases it if the process dies.
    _lock: File,
    entries: Mutex<BTreeMap<(String, String, String), Entry>>,
}

impl OutDir {
    /// Creates the folder if needed and locks it; `waiting` is called once if another build
    /// holds the lock, and this one then waits for it. Temporary files of killed builds are
    /// removed and the manifest is rewritten with only the entries whose files are still
    /// there, whole.
    pub fn open(path: &Path, waiting: &dyn Fn()) -> anyhow::Result<Self> {
        std::fs::create_dir_all(path)
            .with_context(|| format!("cannot create the output folder {}", path.display()))?;
        let lock_path = path.join(LOCK);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                lock.lock().with_context(|| format!("cannot lock {}", lock_path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
            }
        }
        remove_stale_temporaries(path);
        let mut entries = BTreeMap::new();
        for e in read_manifest(path).reports {
            if file_size(&path.join(&e.file)) == Some(e.bytes) {
                entries.insert(key(&e), e);
            }
        }
        let dir = Self { path: path.to_path_buf(), _lock: lock, entries: Mutex::new(entries) };
        dir.save(&dir.lock_entries())?;
        Ok(dir)
    }

    /// The entry of `file`, if the manifest lists it (and so it is there, whole).
    pub fn entry(&self, file: &str) -> Option<Entry> {
        self.lock_entries().values().find(|e| e.file == file).cloned()
    }

    /// Writes each `(entry, bytes)` as the file of its entry and lists it, keeping the manifest
    /// true at every step (see the module's documentation); the result of each, in order.
    /// The files go through the protocol together: the manifest is written twice per batch,
    /// not per file (each write is `fsync`ed, which is what takes time).
    pub fn publish(&self, files: &[(&Entry, &[u8])]) -> Vec<anyhow::Result<()>> {
        let mut results: Vec<anyhow::Result<()>> = Vec::with_capacity(files.len());
        let mut ready = Vec::new();
        for (i, (entry, bytes)) in files.iter().enumerate() {
            let target = self.path.join(&entry.file);
            match temporary(&target, bytes) {
                Ok(tmp) => {
                    ready.push((i, target, tmp));
                    results.push(Ok(()));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        let mut entries = self.lock_entries();
        let replaced = |e: &Entry| ready.iter().any(|(i, _, _)| files[*i].0.file == e.file);
        if entries.values().any(replaced) {
            entries.retain(|_, e| !replaced(e));
            if let Err(e) = self.save(&entries) {
                for (i, _, _) in &ready {
                    results[*i] = Err(anyhow::anyhow!("{e:#}"));
                }
                return results;
            }
        }
        let mut placed = Vec::new();
        for (i, target, tmp) in ready {
            match tmp.persist(&target) {
                Ok(_) => {
                    entries.insert(key(files[i].0), files[i].0.clone());
                    placed.push(i);
                }
                Err(e) => {
                    results[i] =
                        Err(anyhow::Error::new(e).context(format!("cannot rename onto {}", target.display())))
                }
            }
        }
        if let Err(e) = self.save(&entries) {
            for i in placed {
                results[i] = Err(anyhow::anyhow!("{e:#}"));
            }
        }
        results
    }

    /// Writes a file that the manifest does not list (a page picture), atomically.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        write_atomic(&self.path.join(name), bytes)
    }

    fn lock_entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String, String), Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save(&self, entries: &BTreeMap<(String, String, String), Entry>) -> anyhow::Result<()> {
        let manifest = Manifest { generator: generator(), reports: entries.values().cloned().collect() };
        let mut json = serde_json::to_vec_pretty(&manifest)?;
        json.push(b'\n');
        write_atomic(&self.path.join(MANIFEST), &json)
    }
}

/// Sorted by city, language, then file (web, booklet, print).
fn key(e: &Entry) -> (String, String, String) {
    (e.city.clone(), e.lang.clone(), e.file.clone())
}

/// The tool and its version, as the manifest names it.
pub fn generator() -> String {
    format!("cityreport {}", env!("CARGO_PKG_VERSION"))
}

/// The SHA-256 of `bytes`, in hexadecimal.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len())
}

/// The manifest in `out`, or an empty one if there is none or it cannot be read (then every
/// report is rebuilt, which is always safe).
pub fn read_manifest(out: &Path) -> Manifest {
    std::fs::read(out.join(MANIFEST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Temporary files left by a build that was killed (only called with the folder's lock held,
/// so no running build's files are among them).
fn remove_stale_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".cityreport-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes a rendered file (a bundle) to `path` atomically, and with `png` each page as a picture next to it
/// (`<stem>-01.png`, …).
pub fn write_with_pictures(
    path: &Path,
    rendered: &crate::typeset::render::Rendered,
    png: Option<f64>,
) -> anyhow::Result<()> {
    if let Some(ppp) = png {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for i in 0..rendered.pages {
            let bytes = crate::typeset::render::page_png(&rendered.document, i, ppp).unwrap_or_default();
            write_atomic(&path.with_file_name(format!("{stem}-{:02}.png", i + 1)), &bytes)?;
        }
    }
    if let Some(text) = &rendered.preflight {
        let name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        write_atomic(&path.with_file_name(format!("{name}.preflight.txt")), text.as_bytes())?;
    }
    write_atomic(path, &rendered.pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, bytes: &[u8]) -> Entry {
        Entry {
            city: file.trim_end_matches(".pdf").into(),
            lang: "en".into(),
            profile: Profile::Web,
            paper: None,
            booklet: false,
            title: String::new(),
            file: file.into(),
            bytes: bytes.len() as u64,
            pages: 1,
            sha256: sha256(bytes),
            inputs: String::new(),
            coverage: Coverage::default(),
            thumbnail: None,
            preflight: None,
        }
    }

    #[test]
    fn a_batch_lands_whole_and_a_file_that_cannot_be_written_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::open(dir.path(), &|| {}).unwrap();
        let first = out.publish(&[(&entry("a.pdf", b"old a"), b"old a")]);
        assert!(first[0].is_ok());
        // A replaced file, a new one, and one in a folder that is not there.
        let (a, b, c) = (entry("a.pdf", b"new a"), entry("b.pdf", b"b"), entry("missing/c.pdf", b"c"));
        let batch = [(&a, b"new a".as_slice()), (&b, b"b".as_slice()), (&c, b"c".as_slice())];
        let results = out.publish(&batch);
        assert!(results[0].is_ok() && results[1].is_ok(), "{results:?}");
        assert!(results[2].is_err(), "a file in a missing folder was published");
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"new a");
        let manifest = read_manifest(dir.path());
        let listed: Vec<(&str, &str)> =
            manifest.reports.iter().map(|e| (e.file.as_str(), e.sha256.as_str())).collect();
        assert_eq!(listed, [("a.pdf", sha256(b"new a").as_str()), ("b.pdf", sha256(b"b").as_str())]);
    }
}
