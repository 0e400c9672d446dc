//! Writing a file atomically: through a temporary file beside it and a rename, so that a file
//! a person or the website reads holds its previous content or the complete new one, never a
//! part. Used for every file cityreport writes: data files (`new`, `translate`) and outputs.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context;

/// `bytes` in a temporary file beside `target`, complete and on disk, ready to be renamed.
pub fn temporary(target: &Path, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cityreport-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); the published file is readable by the web server.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// `path` holds either its previous content or the complete new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    temporary(path, bytes)?
        .persist(path)
        .with_context(|| format!("cannot rename onto {}", path.display()))?;
    Ok(())
}
