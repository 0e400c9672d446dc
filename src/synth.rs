//! Synthetic cities shaped like Milan, for tests and benchmarks of large batches.
//!
//! May import: `data`, `diagnostics`.
//!
//! [`generate`] writes a complete project folder: `data/` with N cities (five sections,
//! four sub-sections, unnumbered sub-headings, leads, about 30 footnotes, lists, key figures
//! and an update section in the default language; section 1 and the front matter translated
//! in every other language), the site's fixed strings copied from a real project, and links
//! to that project's templates and fonts. The text is pseudo-random but deterministic: the
//! same arguments give the same files.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::data::markdown::ids::{ABSTRACT, UPDATE};

/// Words for the synthetic prose, per language (enough to exercise each script's glyphs and
/// hyphenation).
fn vocabulary(lang: &str) -> &'static [&'static str] {
    match lang {
        "de" => DE,
        "fr" => FR,
        "pl" => PL,
        "it" => IT,
        "es" => ES,
        "el" => EL,
        _ => OTHER,
    }
}

#[rustfmt::skip]
const DE: &[&str] = &[
    "Stadt", "Verwaltung", "Zivilgesellschaft", "Aufnahme", "Geflüchtete", "Integration",
    "Wohnungen", "Beratung", "Förderung", "Netzwerke", "Bürgerschaft", "Unterstützung",
    "langfristig", "gemeinsam", "öffentlich", "Maßnahmen", "für", "und", "mit", "die", "der",
];

#[rustfmt::skip]
const FR: &[&str] = &[
    "ville", "administration", "société", "accueil", "réfugiés", "intégration", "logement",
    "conseil", "réseaux", "coopération", "publique", "à", "long", "terme", "et", "des", "pour",
    "les", "élus", "œuvre",
];

#[rustfmt::skip]
const PL: &[&str] = &[
    "miasto", "administracja", "społeczeństwo", "przyjęcie", "uchodźców", "integracja",
    "mieszkania", "doradztwo", "sieci", "współpraca", "publiczne", "długoterminowe", "wsparcie",
    "żłobek", "źródło", "ośrodek", "łączenie", "i", "w", "dla",
];

#[rustfmt::skip]
const IT: &[&str] = &[
    "città", "amministrazione", "società", "accoglienza", "rifugiati", "integrazione", "alloggi",
    "consulenza", "reti", "cooperazione", "pubblica", "lungo", "termine", "e", "dei", "per",
    "perché", "più",
];

#[rustfmt::skip]
const ES: &[&str] = &[
    "ciudad", "administración", "sociedad", "acogida", "refugiados", "integración", "vivienda",
    "asesoría", "redes", "cooperación", "pública", "largo", "plazo", "y", "de", "para", "niños",
    "año",
];

#[rustfmt::skip]
const EL: &[&str] = &[
    "πόλη", "διοίκηση", "κοινωνία", "υποδοχή", "πρόσφυγες", "ένταξη", "στέγαση", "συμβουλευτική",
    "δίκτυα", "συνεργασία", "δημόσια", "μακροπρόθεσμα", "και", "για", "της", "των",
];

#[rustfmt::skip]
const OTHER: &[&str] = &[
    "city", "administration", "civil", "society", "reception", "refugees", "integration", "housing",
    "counselling", "networks", "cooperation", "public", "long-term", "solutions", "inclusion",
    "municipality", "services", "and", "the", "of", "for", "with", "migrants", "policy",
];

/// A small deterministic random number generator (xorshift), so the fixture needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// How a city's text is shaped: Milan's, or (`--varied`) one of many others.
#[derive(Clone, Copy)]
pub struct Shape {
    /// Paragraphs of the background section and of each sub-section, and their sentences.
    paragraphs: usize,
    sentences: usize,
    /// Items of the advocacy list, which ends its section, and of the update.
    items: usize,
    /// Whether every paragraph and item cites a source (else three in four).
    all_cite: bool,
}

impl Shape {
    /// Milan's shape.
    pub const MILAN: Shape = Shape { paragraphs: 2, sentences: 6, items: 5, all_cite: false };

    /// The shape of city `city` of a varied batch: section lengths, list lengths and notes
    /// cycle through short and long, deterministically.
    pub fn varied(city: u64) -> Shape {
        let mut rng = Rng(city.wrapping_mul(0xA24B_AED4_963E_E407) | 1);
        Shape {
            paragraphs: 1 + rng.below(6),
            sentences: 2 + rng.below(9),
            items: 2 + rng.below(12),
            all_cite: city.is_multiple_of(2),
        }
    }
}

struct Writer<'a> {
    rng: Rng,
    /// Which paragraphs cite a source: the same in every language of a city, as in a
    /// translation (Milan's translated parts cite what the English text cites).
    cites: Rng,
    words: &'a [&'a str],
    footnotes: usize,
    all_cite: bool,
}

impl Writer<'_> {
    fn sentence(&mut self, min: usize) -> String {
        let n = min + self.rng.below(10);
        let mut s = String::new();
        for i in 0..n {
            let w = self.words[self.rng.below(self.words.len())];
            if i == 0 {
                let mut c = w.chars();
                if let Some(first) = c.next() {
                    s.extend(first.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push('.');
        s
    }

    fn paragraph(&mut self, sentences: usize) -> String {
        let mut p = (0..sentences).map(|_| self.sentence(8)).collect::<Vec<_>>().join(" ");
        // Three paragraphs in four cite a source (or all).
        if self.cites.below(4) != 0 || self.all_cite {
            self.footnotes += 1;
            write!(p, "[^{}]", self.footnotes).ok();
        }
        p
    }

    fn heading(&mut self) -> String {
        self.sentence(3).trim_end_matches('.').to_string()
    }
}

/// The text of one city in one language, shaped as `shape`; `full` for the default language.
/// `city` seeds what all its languages share (which paragraphs cite a source), `seed` the
/// words.
fn city_text(city: u64, seed: u64, lang: &str, full: bool, shape: Shape) -> String {
    let mut w = Writer {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        cites: Rng(city.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1),
        words: vocabulary(lang),
        footnotes: 0,
        all_cite: shape.all_cite,
    };
    let Shape { paragraphs, sentences, items, .. } = shape;
    let mut s = String::from("+++\n");
    writeln!(s, "tagline = \"{}\"", w.heading()).ok();
    writeln!(s, "takeaways = [\"{}\", \"{}\"]", w.sentence(12), w.sentence(14)).ok();
    writeln!(s, "\n[quote]\ntext = \"{}\"\nattribution = \"{}\"", w.sentence(18), w.heading()).ok();
    if full {
        writeln!(s, "\n[figures]\nlocation = \"{}\"", w.sentence(8)).ok();
    }
    s.push_str("+++\n\n");
    writeln!(s, "# {} {{#{ABSTRACT}}}\n", w.heading()).ok();
    for _ in 0..5 {
        writeln!(s, "### {}?\n\n**{}:** {}\n", w.heading(), w.heading(), w.paragraph(5)).ok();
    }
    if full {
        writeln!(s, "# {} {{#background}}\n\n*{}*\n", w.heading(), w.paragraph(4)).ok();
        for _ in 0..paragraphs + 1 {
            writeln!(s, "{}\n", w.paragraph(sentences)).ok();
        }
        writeln!(s, "### {}\n\n{}\n\n{}\n", w.heading(), w.paragraph(7), w.paragraph(5)).ok();
        writeln!(s, "# {} {{#approaches}}\n\n*{}*\n", w.heading(), w.paragraph(3)).ok();
        for id in ["reception", "labour", "family", "services"] {
            writeln!(s, "## {} {{#{id}}}\n\n*{}*\n", w.heading(), w.paragraph(3)).ok();
            for _ in 0..paragraphs {
                writeln!(s, "{}\n", w.paragraph(sentences)).ok();
            }
            writeln!(s, "### {}\n\n{}\n", w.heading(), w.paragraph(sentences)).ok();
        }
        writeln!(s, "# {} {{#advocacy}}\n\n*{}*\n\n{}\n", w.heading(), w.paragraph(3), w.paragraph(6)).ok();
        writeln!(s, "**{}:**\n", w.heading()).ok();
        for _ in 0..items {
            writeln!(s, "- {}", w.paragraph(2)).ok();
        }
        writeln!(s, "\n{}\n\n# {{#{UPDATE}}}\n", w.paragraph(5)).ok();
        for _ in 0..items.saturating_sub(1).max(1) {
            writeln!(s, "- {}", w.paragraph(3)).ok();
        }
        s.push('\n');
    }
    for n in 1..=w.footnotes {
        if n % 2 == 0 {
            writeln!(
                s,
                "[^{n}]: <https://example.org/{lang}/{seed}/source-{n}/a-long-path-to-a-document.pdf>"
            )
            .ok();
        } else {
            writeln!(s, "[^{n}]: Author, A. ({}) ‘{}’, *Journal*, {n}.", 2000 + n, w.heading()).ok();
        }
    }
    s
}

/// Writes a project with `cities` synthetic cities in `langs` (the first is the default)
/// into `dir`, taking fixed strings, templates and fonts from the project at `from`; shaped
/// like Milan, or each city differently if `varied`.
pub fn generate(
    dir: &Path,
    cities: usize,
    langs: &[String],
    from: &Path,
    varied: bool,
    pictures: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(!langs.is_empty(), "give at least one language");
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("i18n"))
        .with_context(|| format!("cannot create {}", data.display()))?;
    let quoted: Vec<String> = langs.iter().map(|l| format!("\"{l}\"")).collect();
    std::fs::write(
        data.join("site.toml"),
        format!(
            "name = \"Moving Cities\"\nurl = \"https://moving-cities.eu\"\npublisher = \"Moving Cities\"\nlanguages = [{}]\ndefault_language = \"{}\"\nkeywords = [\"synthetic\"]\ncity_page = \"https://moving-cities.eu/{{lang}}/{{slug}}\"\ncity_page_default = \"https://moving-cities.eu/{{slug}}\"\n",
            quoted.join(", "),
            langs[0]
        ),
    )?;
    for lang in langs {
        let src = from.join("data/i18n").join(format!("{lang}.toml"));
        std::fs::copy(&src, data.join("i18n").join(format!("{lang}.toml")))
            .with_context(|| format!("cannot copy {}", src.display()))?;
    }
    for link in ["templates", "fonts"] {
        let target = dir.join(link);
        if !target.exists() {
            let source = from.join(link).canonicalize()?;
            std::os::unix::fs::symlink(&source, &target)
                .with_context(|| format!("cannot link {}", target.display()))?;
        }
    }
    for i in 1..=cities {
        let slug = format!("synth-{i:03}");
        let city = data.join("cities").join(&slug);
        std::fs::create_dir_all(&city)?;
        std::fs::write(
            city.join("city.toml"),
            format!(
                "name = \"Synthcity {i}\"\ncountry = \"Europe\"\npopulation = {}\nreport_year = 2021\nupdate_year = 2023\nnetworks = [\"Solidarity Cities\", \"Eurocities\"]\n\n[mayor]\nname = \"Mayor {i}\"\nparty = \"Party {i}\"\n",
                50_000 + i * 7_919
            ),
        )?;
        for (j, lang) in langs.iter().enumerate() {
            let shape = if varied { Shape::varied(i as u64) } else { Shape::MILAN };
            let mut text = city_text(i as u64, (i * 31 + j) as u64, lang, j == 0, shape);
            if pictures && j == 0 {
                text = with_pictures(&text);
            }
            std::fs::write(city.join(format!("{lang}.md")), text)?;
        }
        if pictures {
            write_pictures(&city, i as u64)?;
        }
    }
    Ok(())
}

/// `text` (a default-language file) with a photo after the background's lead, a chart and a
/// table of 60 rows (two pages) in section 3, and a photo in the advocacy section.
fn with_pictures(text: &str) -> String {
    let mut table = String::from("| District | Arrivals | Places | Share |\n| --- | --- | ---: | --- |\n");
    for row in 1..=60 {
        writeln!(
            table,
            "| District {row} | {} | {} | {:.1} % |",
            100 + row * 37 % 900,
            1_000 + row * 211 % 5_000,
            (row * 7 % 100) as f64 / 3.0
        )
        .ok();
    }
    let chart = "![A bar chart of arrivals by year, rising from 2,000 in 2015 to 9,000 in 2022](arrivals.svg \"Arrivals by year\")\n\n";
    let square = "![A square at dusk with people walking past the town hall](square.jpg \"The town hall square, where the reception office opened in 2019\")\n\n";
    let approaches =
        text.find(" {#approaches}").and_then(|at| text[..at].rfind("\n# ")).map_or(text.len(), |at| at + 1);
    let mut out = format!("{}{chart}{}", &text[..approaches], &text[approaches..]);
    if let Some(at) = out.find("\n## ") {
        out.insert_str(at + 1, &format!("{table}\n"));
    }
    out.replacen("# {#update}", &format!("{square}# {{#update}}"), 1)
}

/// The pictures [`with_pictures`] names and the cover photo, with their `city.toml` tables.
#[cfg(feature = "typeset")]
fn write_pictures(city: &Path, seed: u64) -> anyhow::Result<()> {
    use std::io::Write as _;
    photo(seed, 4000, 2667).save(city.join("cover.jpg"))?;
    photo(seed + 1, 3000, 2000).save(city.join("square.jpg"))?;
    std::fs::write(city.join("arrivals.svg"), CHART)?;
    let mut toml = std::fs::OpenOptions::new().append(true).open(city.join("city.toml"))?;
    write!(
        toml,
        "\n[cover]\nimage = \"cover.jpg\"\nalt = \"A street of the city centre in the morning light\"\n\n[images.\"cover.jpg\"]\ncredit = \"Photo: Synthetic Photographer, CC BY 4.0\"\n\n[images.\"square.jpg\"]\ncredit = \"Photo: Synthetic Photographer, CC BY 4.0\"\n\n[images.\"arrivals.svg\"]\ncredit = \"Source: city statistics office; chart: Moving Cities\"\n"
    )?;
    Ok(())
}

#[cfg(not(feature = "typeset"))]
fn write_pictures(_: &Path, _: u64) -> anyhow::Result<()> {
    anyhow::bail!("pictures need the `typeset` feature")
}

/// A deterministic photo-like picture: soft gradients with fine grain, as a camera's JPEG is.
#[cfg(feature = "typeset")]
fn photo(seed: u64, width: u32, height: u32) -> image::RgbImage {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let grain = (rng.next() % 24) as f32 - 12.0;
        let sky = 1.0 - fy;
        let r = 70.0 + 150.0 * sky * (0.6 + 0.4 * fx) + grain;
        let g = 90.0 + 110.0 * sky + 40.0 * (fx * 6.0).sin() + grain;
        let b = 120.0 + 120.0 * sky - 50.0 * fy + grain;
        image::Rgb([r.clamp(0.0, 255.0) as u8, g.clamp(0.0, 255.0) as u8, b.clamp(0.0, 255.0) as u8])
    })
}

/// A bar chart in the site's colours, as a researcher's chart is drawn.
#[cfg(feature = "typeset")]
const CHART: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400">
  <rect x="0" y="0" width="800" height="400" fill="#ffffff"/>
  <g fill="#F55511">
    <rect x="60" y="311" width="70" height="89"/><rect x="150" y="267" width="70" height="133"/>
    <rect x="240" y="222" width="70" height="178"/><rect x="330" y="200" width="70" height="200"/>
    <rect x="420" y="156" width="70" height="244"/><rect x="510" y="133" width="70" height="267"/>
    <rect x="600" y="89" width="70" height="311"/><rect x="690" y="0" width="70" height="400"/>
  </g>
  <line x1="40" y1="400" x2="780" y2="400" stroke="#000000" stroke-width="2"/>
</svg>
"##;
