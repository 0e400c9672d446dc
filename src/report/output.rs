//! What kind of file a report is made as: the profile (`web` for the site's download link,
//! `print` for a print shop, `archive` for libraries and archives), the paper of a print file, and whether it is imposed as a
//! booklet; and the file names that follow from them.
//!
//! The profile and paper reach the templates in the JSON (`output`), so the templates decide
//! what changes in print (bleed, crop marks, CMYK colours, back cover); the booklet is made from
//! the print file afterwards ([`crate::make::impose`]).

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// The bleed of a print file: how far pictures that touch the trimmed edge run beyond it.
pub const BLEED_MM: f64 = 3.0;
/// The slug of a print file: the margin around the bleed that holds the crop marks.
pub const SLUG_MM: f64 = 10.0;

/// Who the file is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// The website's download: screen colours, no bleed; PDF/UA-1 (accessible).
    #[default]
    Web,
    /// A print shop: trim size plus 3 mm bleed and crop marks, CMYK colours, a back cover, the
    /// page count a multiple of 4.
    Print,
    /// Libraries and archives: the web file's pages as PDF/A-2a (archival, tagged), and
    /// PDF/UA-1 like the web file.
    Archive,
}

/// The trimmed page size of a print file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    #[default]
    /// 210 × 297 mm.
    A4,
    /// 148 × 210 mm.
    A5,
}

/// Everything that decides the kind of file made from a report. In the JSON: `profile`,
/// `paper`, and the print geometry in millimetres, `bleed` and `slug` (0 on the web).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Output {
    /// Who the file is for.
    profile: Profile,
    /// The trimmed page size (A4 but for A5 print files and booklets).
    paper: Paper,
    /// Impose the pages two to a side of A4 sheets, in saddle-stitch order (print, A5).
    booklet: bool,
    /// A booklet's creep compensation, in micrometres per sheet: each sheet's pages move
    /// toward the spine by this much for every sheet outside it, so that the outer margins
    /// line up after the folded stack is trimmed. 0 for none; not in the JSON.
    creep_um: u32,
}

/// Why the parts of a kind of file do not go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// A booklet is imposed from a print file.
    BookletNotPrint,
    /// A booklet folds A4 sheets into A5 pages.
    BookletNotA5,
    /// Only a print file has a paper size other than A4.
    PaperNotPrint(Profile),
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BookletNotPrint => f.write_str("a booklet is imposed from a print file"),
            Self::BookletNotA5 => f.write_str("a booklet folds A4 sheets into A5 pages"),
            Self::PaperNotPrint(profile) => {
                write!(f, "the {profile} profile is A4; only a print file has another paper size")
            }
        }
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Output", 4)?;
        s.serialize_field("profile", &self.profile)?;
        s.serialize_field("paper", &self.paper)?;
        s.serialize_field("bleed", &self.bleed_mm())?;
        s.serialize_field("slug", &self.slug_mm())?;
        s.end()
    }
}

impl Output {
    /// The web file, as the site links to it.
    pub const WEB: Self = Self { profile: Profile::Web, paper: Paper::A4, booklet: false, creep_um: 0 };

    /// The kind of file made of these parts, if they go together: the only way to make one
    /// (but [`Output::WEB`]).
    pub fn new(profile: Profile, paper: Option<Paper>, booklet: bool) -> Result<Self, Mismatch> {
        if booklet && profile != Profile::Print {
            return Err(Mismatch::BookletNotPrint);
        }
        if booklet && paper == Some(Paper::A4) {
            return Err(Mismatch::BookletNotA5);
        }
        if profile != Profile::Print && paper.is_some_and(|p| p != Paper::A4) {
            return Err(Mismatch::PaperNotPrint(profile));
        }
        let paper = if booklet { Paper::A5 } else { paper.unwrap_or_default() };
        Ok(Self { profile, paper, booklet, creep_um: 0 })
    }

    /// The booklet with a creep of `mm` per sheet (rounded to the micrometre); other files
    /// have none.
    pub fn with_creep(self, mm: f64) -> Self {
        let creep_um = if self.booklet { (mm * 1000.0).round().clamp(0.0, 1000.0) as u32 } else { 0 };
        Self { creep_um, ..self }
    }

    /// Who the file is for.
    pub fn profile(self) -> Profile {
        self.profile
    }

    /// The trimmed page size.
    pub fn paper(self) -> Paper {
        self.paper
    }

    /// Whether the pages are imposed as a booklet.
    pub fn booklet(self) -> bool {
        self.booklet
    }

    /// The creep per sheet, in millimetres.
    pub fn creep_mm(self) -> f64 {
        f64::from(self.creep_um) / 1000.0
    }

    /// The bleed around each trimmed page, in millimetres.
    pub fn bleed_mm(self) -> f64 {
        if self.profile == Profile::Print { BLEED_MM } else { 0.0 }
    }

    /// The slug around the bleed, for crop marks, in millimetres.
    pub fn slug_mm(self) -> f64 {
        if self.profile == Profile::Print { SLUG_MM } else { 0.0 }
    }

    /// The report this file is made from: a booklet imposes the print report.
    pub fn report(self) -> Self {
        Self { booklet: false, creep_um: 0, ..self }
    }

    /// The file name of the report of `slug` in `lang`: `milan-de.pdf`, `milan-de-print.pdf`
    /// (A4), `milan-de-print-a5.pdf`, `milan-de-booklet.pdf`, `milan-de-archive.pdf`. Every
    /// kind of file has a name of its own, so no build replaces another kind's file.
    pub fn file_name(self, slug: &str, lang: &str) -> String {
        format!("{slug}-{lang}{}.pdf", self.suffix())
    }

    fn suffix(self) -> &'static str {
        match (self.profile, self.paper, self.booklet) {
            (Profile::Web, ..) => "",
            (Profile::Print, Paper::A4, false) => "-print",
            (Profile::Print, Paper::A5, false) => "-print-a5",
            (Profile::Print, _, true) => "-booklet",
            (Profile::Archive, ..) => "-archive",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Web => "web",
            Self::Print => "print",
            Self::Archive => "archive",
        })
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::A4 => "a4",
            Self::A5 => "a5",
        })
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "web" => Ok(Self::Web),
            "print" => Ok(Self::Print),
            "archive" => Ok(Self::Archive),
            _ => Err(format!("`{s}` is not a profile: use web, print or archive")),
        }
    }
}

impl FromStr for Paper {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Ok(Self::A4),
            "a5" => Ok(Self::A5),
            _ => Err(format!("`{s}` is not a paper size: use a4 or a5")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_output() {
        assert_eq!(Output::WEB.file_name("milan", "de"), "milan-de.pdf");
        let print = Output::new(Profile::Print, Some(Paper::A5), false).unwrap();
        assert_eq!(print.file_name("milan", "de"), "milan-de-print-a5.pdf");
        let a4 = Output::new(Profile::Print, Some(Paper::A4), false).unwrap();
        assert_eq!(a4.file_name("milan", "de"), "milan-de-print.pdf");
        let booklet = Output::new(Profile::Print, None, true).unwrap();
        assert_eq!(booklet.paper, Paper::A5);
        assert_eq!(booklet.file_name("milan", "de"), "milan-de-booklet.pdf");
        assert_eq!(booklet.report(), print);
        let archive = Output::new(Profile::Archive, None, false).unwrap();
        assert_eq!(archive.file_name("milan", "de"), "milan-de-archive.pdf");
        assert_eq!(archive.bleed_mm(), 0.0);
    }

    #[test]
    fn parts_that_do_not_go_together_are_refused() {
        assert_eq!(Output::new(Profile::Web, None, true), Err(Mismatch::BookletNotPrint));
        assert_eq!(Output::new(Profile::Print, Some(Paper::A4), true), Err(Mismatch::BookletNotA5));
        assert_eq!(
            Output::new(Profile::Web, Some(Paper::A5), false),
            Err(Mismatch::PaperNotPrint(Profile::Web))
        );
        assert_eq!(Output::new(Profile::Web, Some(Paper::A4), false), Ok(Output::WEB));
        assert_eq!("A5".parse(), Ok(Paper::A5));
        assert!("letter".parse::<Paper>().is_err());
        let archive_a5 = Output::new(Profile::Archive, Some(Paper::A5), false).unwrap_err();
        assert!(archive_a5.to_string().contains("archive profile is A4"));
        assert_eq!(Output::new(Profile::Archive, None, true), Err(Mismatch::BookletNotPrint));
        assert_eq!("archive".parse(), Ok(Profile::Archive));
        assert!("pdfa".parse::<Profile>().unwrap_err().contains("web, print or archive"));
    }
}
