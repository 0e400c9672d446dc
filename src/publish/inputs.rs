//! The inputs hash: what a report is made from, so that a build skips a report whose inputs
//! and file are as the manifest says.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Project;
use crate::data::City;
use crate::report::output::Output;

/// What every report shares: the tool's version, the output profile, the thumbnails' width,
/// the templates and the fonts; for print files, the printing condition and its profile.
pub(super) fn shared_digest(project: &Project, output: Output, thumbnail: Option<u32>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(crate::publish::outdir::generator().as_bytes());
    h.update(format!("\0{output:?}\0{thumbnail:?}\0").as_bytes());
    for (path, text) in project.shared().template_texts() {
        h.update(path.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.update(project.shared().fonts().digest());
    // A print file is made for the printing condition, its profile embedded.
    if output.profile() == crate::report::output::Profile::Print {
        h.update(format!("{:?}", project.data().site.print).as_bytes());
        h.update(Sha256::digest(project.output_profile()));
    }
    h.finalize().to_vec()
}

/// The inputs hash of one report: the shared digest, the data the templates receive (which
/// is everything taken from the city's files in its language and the fallback language, the
/// site and the fixed strings: its pictures by their content's hash, so a changed photo
/// changes exactly the reports that show it), and the city's other files (what a template may
/// read from `data/` besides).
pub(super) fn inputs_hash(shared: &[u8], json: &[u8], city: &City, root: &Path) -> String {
    let mut h = Sha256::new();
    h.update(shared);
    h.update((json.len() as u64).to_le_bytes());
    h.update(json);
    let mut assets: Vec<PathBuf> =
        std::fs::read_dir(&city.dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    // Only files inside data/ (a link leading out is no input: a template cannot read it).
    assets.retain(|p| {
        p.is_file()
            && !p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "md" | "toml" | "png" | "jpg" | "jpeg" | "webp" | "svg"
                )
            })
            && crate::data::is_inside_data(p, root)
    });
    assets.sort();
    for p in assets {
        h.update(p.file_name().map(|f| f.as_encoded_bytes()).unwrap_or_default());
        h.update(std::fs::read(&p).unwrap_or_default());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
